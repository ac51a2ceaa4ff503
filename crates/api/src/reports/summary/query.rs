//! Computing the Summary from the orders rollup.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::{Alias, ExprTrait, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use shared::Month;
use shared::auth::Permission;
use shared::dictionary::{Channel, Dataset, OfferType, country_name};
use shared::reports::activity::CategoryValue;
use shared::reports::grid::MASKED;
use shared::reports::summary::{
    ChannelCount, MonthlyCount, OfferTypeCount, SummaryFilters, SummaryReport,
};

use crate::db::entities::{offers, rollup_orders};
use crate::error::ApiError;
use crate::reports::activity::query::channel_of;
use crate::reports::filters::{self, Period};
use crate::reports::payouts;

/// The Summary for the three months from `start`; without `start`, the three months
/// ending with the latest month that has orders (or the current month).
pub async fn summary<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    start: Option<Month>,
    permissions: &[Permission],
) -> Result<SummaryReport, ApiError> {
    let (period, data_as_of) = filters::period(db, publisher_id, Dataset::Orders, start).await?;
    let Period { start, end } = period;

    let rows: Vec<(NaiveDate, String, String, i64)> = rollup_orders::Entity::find()
        .select_only()
        .column(rollup_orders::Column::Month)
        .column(rollup_orders::Column::AzureLicenseType)
        .column(rollup_orders::Column::OfferType)
        .column_as(Expr::cust("CAST(SUM(new_orders) AS BIGINT)"), "new_orders")
        .filter(rollup_orders::Column::PublisherId.eq(publisher_id))
        .filter(rollup_orders::Column::Month.between(start.first_day(), end.first_day()))
        .group_by(rollup_orders::Column::Month)
        .group_by(rollup_orders::Column::AzureLicenseType)
        .group_by(rollup_orders::Column::OfferType)
        .into_tuple()
        .all(db)
        .await?;

    let mut by_month: BTreeMap<Month, u64> = start.through(end).map(|m| (m, 0)).collect();
    let mut by_channel: BTreeMap<Channel, u64> = Channel::ALL.iter().map(|c| (*c, 0)).collect();
    let mut by_offer_type: BTreeMap<OfferType, u64> =
        OfferType::ALL.iter().map(|t| (*t, 0)).collect();
    for (month, azure_license_type, offer_type, count) in rows {
        let count = Ord::max(count, 0) as u64;
        *by_month.entry(Month::of(month)).or_default() += count;
        let channel = channel_of(&azure_license_type)?;
        *by_channel.entry(channel).or_default() += count;
        let offer_type = OfferType::from_name(&offer_type).ok_or_else(|| {
            ApiError::internal(format!("unknown offer type '{offer_type}' in rollup"))
        })?;
        *by_offer_type.entry(offer_type).or_default() += count;
    }

    let (first, last) = period.month_starts();
    let top_markets = top(
        db,
        "rollup_orders",
        "customer_country",
        publisher_id,
        (first, last),
    )
    .await?
    .into_iter()
    .map(|(key, value)| CategoryValue {
        label: country_name(&key).unwrap_or(&key).to_owned(),
        key,
        other: false,
        value: value as f64,
    })
    .collect();
    let offer_names: HashMap<String, (String, bool)> = offers::Entity::find()
        .filter(offers::Column::PublisherId.eq(publisher_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.offer_id, (o.offer_name, o.is_paid)))
        .collect();
    let top_offers = top(db, "rollup_orders", "offer_id", publisher_id, (first, last))
        .await?
        .into_iter()
        .map(|(key, value)| CategoryValue {
            label: offer_names
                .get(&key)
                .map_or_else(|| key.clone(), |(name, _)| name.clone()),
            key,
            other: false,
            value: value as f64,
        })
        .collect();
    let top_customer_ids = top(
        db,
        "rollup_customer_orders",
        "customer_id",
        publisher_id,
        (first, last),
    )
    .await?;
    let may_see_names = permissions.contains(&Permission::Customers);
    let mut top_customers = Vec::with_capacity(top_customer_ids.len());
    for (key, value) in top_customer_ids {
        let label = if may_see_names {
            customer_name(db, publisher_id, &key)
                .await?
                .unwrap_or_else(|| key.clone())
        } else {
            MASKED.to_owned()
        };
        top_customers.push(CategoryValue {
            key,
            label,
            other: false,
            value: value as f64,
        });
    }
    let has_paid_offers = offer_names.values().any(|(_, paid)| *paid);
    let payout_trend = if has_paid_offers && permissions.contains(&Permission::Payouts) {
        Some(
            payouts::query::trend(db, publisher_id, period, None)
                .await?
                .months,
        )
    } else {
        None
    };

    Ok(SummaryReport {
        top_markets,
        top_offers,
        top_customers,
        payout_trend,
        filters: SummaryFilters { start, end },
        data_as_of,
        new_orders_trend: by_month
            .into_iter()
            .map(|(month, new_orders)| MonthlyCount { month, new_orders })
            .collect(),
        new_orders_by_channel: by_channel
            .into_iter()
            .map(|(channel, new_orders)| ChannelCount {
                channel,
                new_orders,
            })
            .collect(),
        new_orders_by_offer_type: by_offer_type
            .into_iter()
            .map(|(offer_type, new_orders)| OfferTypeCount {
                offer_type,
                new_orders,
            })
            .collect(),
    })
}

/// The five keys of `column` with the most new orders in the months `range`, largest
/// first (ties by key).
async fn top<C: ConnectionTrait>(
    db: &C,
    table: &str,
    column: &str,
    publisher_id: i64,
    range: (NaiveDate, NaiveDate),
) -> Result<Vec<(String, i64)>, ApiError> {
    let mut q = Query::select();
    q.from(Alias::new(table))
        .column(Alias::new(column))
        .expr_as(
            Expr::cust("CAST(SUM(new_orders) AS BIGINT)"),
            Alias::new("n"),
        )
        .and_where(Expr::col(Alias::new("publisher_id")).eq(publisher_id))
        .and_where(Expr::col(Alias::new("month")).between(range.0, range.1))
        .group_by_col(Alias::new(column))
        .order_by(Alias::new("n"), Order::Desc)
        .order_by(Alias::new(column), Order::Asc)
        .limit(5);
    let mut out = Vec::new();
    for r in db.query_all(&q).await? {
        let key: String = r.try_get_by_index(0)?;
        let n: Option<i64> = r.try_get_by_index(1)?;
        let n = n.unwrap_or(0);
        if n > 0 {
            out.push((key, n));
        }
    }
    Ok(out)
}

/// A customer's display name: its company, or else its first and last name.
async fn customer_name<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    customer_id: &str,
) -> Result<Option<String>, ApiError> {
    let mut q = Query::select();
    q.from(Alias::new("customers"))
        .columns([
            Alias::new("customer_company_name"),
            Alias::new("first_name"),
            Alias::new("last_name"),
        ])
        .and_where(Expr::col(Alias::new("publisher_id")).eq(publisher_id))
        .and_where(Expr::col(Alias::new("customer_id")).eq(customer_id))
        .limit(1);
    let Some(r) = db.query_one(&q).await? else {
        return Ok(None);
    };
    let company: String = r.try_get_by_index(0)?;
    let first: String = r.try_get_by_index(1)?;
    let last: String = r.try_get_by_index(2)?;
    Ok(Some(if company.trim().is_empty() {
        format!("{first} {last}").trim().to_owned()
    } else {
        company
    }))
}
