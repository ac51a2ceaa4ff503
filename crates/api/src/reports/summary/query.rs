//! Computing the Summary from the orders rollup.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use shared::Month;
use shared::dictionary::{AzureLicenseType, Channel, Dataset, OfferType};
use shared::reports::summary::{
    ChannelCount, MonthlyCount, OfferTypeCount, SummaryFilters, SummaryReport,
};

use crate::db::entities::rollup_orders;
use crate::error::ApiError;
use crate::reports::freshness;

/// The months a Summary covers.
pub const PERIOD_MONTHS: i32 = 3;

/// The Summary for the three months from `start`; without `start`, the three months
/// ending with the latest month that has orders (or the current month).
pub async fn summary<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    start: Option<Month>,
) -> Result<SummaryReport, ApiError> {
    let (data_as_of, latest) = freshness(db, publisher_id, Dataset::Orders).await?;
    let start = start.unwrap_or_else(|| {
        let last = Month::of(latest.unwrap_or_else(|| Utc::now().date_naive()));
        last.plus_months(-(PERIOD_MONTHS - 1))
    });
    let end = start.plus_months(PERIOD_MONTHS - 1);

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
        let count = count.max(0) as u64;
        *by_month.entry(Month::of(month)).or_default() += count;
        let channel = AzureLicenseType::from_name(&azure_license_type)
            .map(AzureLicenseType::channel)
            .ok_or_else(|| {
                ApiError::internal(format!(
                    "unknown Azure license type '{azure_license_type}' in rollup"
                ))
            })?;
        *by_channel.entry(channel).or_default() += count;
        let offer_type = OfferType::from_name(&offer_type).ok_or_else(|| {
            ApiError::internal(format!("unknown offer type '{offer_type}' in rollup"))
        })?;
        *by_offer_type.entry(offer_type).or_default() += count;
    }

    Ok(SummaryReport {
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
