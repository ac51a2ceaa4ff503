//! Publishers and their users: creation (for onboarding and the demo) and lookup.

use chrono::Utc;
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder};
use shared::auth::{CurrentUser, Permission, PublisherRef, Role};
use uuid::Uuid;

use crate::auth::caller::parse_permissions;
use crate::auth::password;
use crate::db::entities::{publishers, users};
use crate::error::ApiError;

/// Creates a publisher with the next free id and a fresh BYOL hash key.
pub async fn create_publisher<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    name: &str,
) -> Result<publishers::Model, ApiError> {
    let next_id = publishers::Entity::find()
        .order_by_desc(publishers::Column::PublisherId)
        .one(db)
        .await?
        .map_or(1, |p| p.publisher_id + 1);
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let model = publishers::Model {
        publisher_id: next_id,
        slug: slug.to_owned(),
        name: name.to_owned(),
        byol_hash_key: hex::encode(key),
        allow_password_reset: true,
        created_at: Utc::now(),
    };
    publishers::Entity::insert(publishers::ActiveModel {
        publisher_id: Set(model.publisher_id),
        slug: Set(model.slug.clone()),
        name: Set(model.name.clone()),
        byol_hash_key: Set(model.byol_hash_key.clone()),
        allow_password_reset: Set(model.allow_password_reset),
        created_at: Set(model.created_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(model)
}

/// A new account to create.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    /// Its publisher.
    pub publisher_id: i64,
    /// Email address (stored lower-cased).
    pub email: &'a str,
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// Role.
    pub role: Role,
    /// Permissions (ignored for Administrators, who have all).
    pub permissions: &'a [Permission],
    /// Initial password, if any.
    pub password: Option<&'a str>,
}

/// Creates an account, hashing its password off the executor.
pub async fn create_user<C: ConnectionTrait>(db: &C, new: NewUser<'_>) -> Result<Uuid, ApiError> {
    let password_hash = match new.password {
        Some(p) => Some(password::hash(p.to_owned()).await?),
        None => None,
    };
    let user_id = Uuid::now_v7();
    let permissions = new
        .permissions
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(",");
    users::Entity::insert(users::ActiveModel {
        publisher_id: Set(new.publisher_id),
        user_id: Set(user_id),
        email: Set(new.email.trim().to_lowercase()),
        first_name: Set(new.first_name.to_owned()),
        last_name: Set(new.last_name.to_owned()),
        role: Set(new.role.name().to_owned()),
        permissions: Set(permissions),
        password_hash: Set(password_hash),
        token_version: Set(0),
        created_at: Set(Utc::now()),
        last_sign_in_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(user_id)
}

/// The wire view of an account of `publisher_id`; 404 when it is not one of theirs.
pub async fn current_user<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    user_id: Uuid,
) -> Result<CurrentUser, ApiError> {
    let user = users::Entity::find_by_id((publisher_id, user_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("No such user."))?;
    let publisher = publishers::Entity::find_by_id(publisher_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::internal(format!("user {user_id} has no publisher {publisher_id}"))
        })?;
    Ok(CurrentUser {
        id: user.user_id.to_string(),
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        role: Role::from_name(&user.role).unwrap_or(Role::User),
        permissions: parse_permissions(&user.role, &user.permissions),
        publisher: PublisherRef {
            id: publisher.publisher_id,
            name: publisher.name,
        },
    })
}

/// The publisher with this slug or numeric id.
pub async fn find_publisher<C: ConnectionTrait>(
    db: &C,
    slug_or_id: &str,
) -> Result<Option<publishers::Model>, ApiError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let found = match slug_or_id.trim().parse::<i64>() {
        Ok(id) => publishers::Entity::find_by_id(id).one(db).await?,
        Err(_) => {
            publishers::Entity::find()
                .filter(publishers::Column::Slug.eq(slug_or_id.trim()))
                .one(db)
                .await?
        }
    };
    Ok(found)
}

/// How many publishers the instance has.
pub async fn count_publishers<C: ConnectionTrait>(db: &C) -> Result<u64, ApiError> {
    Ok(publishers::Entity::find().count(db).await?)
}
