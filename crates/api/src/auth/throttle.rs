//! Sign-in throttling: failures counted per account and per client address in fixed
//! windows, in the database so that every API process sees the same counts.

use chrono::{Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::{ErrorCode, Problem};

use crate::db::entities::sign_in_throttle;
use crate::error::ApiError;

/// One counter: its key and how many failures its window allows.
#[derive(Clone, Debug)]
pub struct Limit {
    /// `account:<email>`, `address:<ip>`, `reset:<email>`, ...
    pub key: String,
    /// Failures allowed in a window.
    pub max: u32,
}

impl Limit {
    /// The counter of sign-in failures for an email address (known or not, so that
    /// throttling says nothing about which accounts exist).
    pub fn account(email: &str, max: u32) -> Self {
        Self {
            key: format!("account:{}", email.trim().to_lowercase()),
            max,
        }
    }

    /// The counter of failures from a client address.
    pub fn address(address: &str, max: u32) -> Self {
        Self {
            key: format!("address:{address}"),
            max,
        }
    }
}

/// 429 with `Retry-After` when any of `limits` is used up within the current window.
pub async fn check<C: ConnectionTrait>(
    db: &C,
    limits: &[Limit],
    window_secs: u64,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let window = Duration::seconds(window_secs as i64);
    let mut retry_after = 0i64;
    for limit in limits {
        if let Some(row) = sign_in_throttle::Entity::find_by_id(limit.key.clone())
            .one(db)
            .await?
        {
            let ends = row.window_started_at + window;
            if ends > now && row.failures >= limit.max as i32 {
                retry_after = retry_after.max((ends - now).num_seconds() + 1);
            }
        }
    }
    if retry_after > 0 {
        return Err(ApiError::RateLimited(
            Box::new(Problem::new(
                ErrorCode::RateLimited,
                format!(
                    "Too many failed attempts. Try again in {} minute(s).",
                    (retry_after + 59) / 60
                ),
            )),
            retry_after as u64,
        ));
    }
    Ok(())
}

/// Counts one failure against each of `limits`, and forgets windows long over.
pub async fn record_failure<C: ConnectionTrait>(
    db: &C,
    limits: &[Limit],
    window_secs: u64,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let window = Duration::seconds(window_secs as i64);
    sign_in_throttle::Entity::delete_many()
        .filter(sign_in_throttle::Column::WindowStartedAt.lt(now - window - window))
        .exec(db)
        .await?;
    for limit in limits {
        let row = sign_in_throttle::Entity::find_by_id(limit.key.clone())
            .one(db)
            .await?;
        let (started, failures) = match &row {
            Some(r) if r.window_started_at + window > now => (r.window_started_at, r.failures + 1),
            _ => (now, 1),
        };
        let active = sign_in_throttle::ActiveModel {
            throttle_key: Set(limit.key.clone()),
            window_started_at: Set(started),
            failures: Set(failures),
        };
        if row.is_some() {
            sign_in_throttle::Entity::update(active).exec(db).await?;
        } else {
            // Two processes may count the first failure at once; one insert wins.
            sign_in_throttle::Entity::insert(active)
                .on_conflict(
                    OnConflict::column(sign_in_throttle::Column::ThrottleKey)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
        }
    }
    Ok(())
}

/// Forgets the failures of `key` (after a successful sign-in to the account).
pub async fn clear<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), ApiError> {
    sign_in_throttle::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
