//! The payout trend from the payouts rollup.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use shared::Month;
use shared::dictionary::PayoutStatus;
use shared::reports::decimal_string;
use shared::reports::payouts::{PayoutMonth, PayoutStatusTotal, PayoutTrend};

use crate::error::ApiError;
use crate::reports::filters::Period;

/// Earnings per month and per payout status over the period.
pub async fn trend<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    period: Period,
    data_as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<PayoutTrend, ApiError> {
    let (first, last) = period.month_starts();
    let mut q = Query::select();
    q.from(Alias::new("rollup_payouts"))
        .column(Alias::new("month"))
        .column(Alias::new("payout_status"))
        .expr(Expr::cust("CAST(SUM(earning_amount_usd) AS BIGINT)"))
        .expr(Expr::cust("CAST(SUM(line_items) AS BIGINT)"))
        .and_where(Expr::col(Alias::new("publisher_id")).eq(publisher_id))
        .and_where(Expr::col(Alias::new("month")).between(first, last))
        .group_by_col(Alias::new("month"))
        .group_by_col(Alias::new("payout_status"));
    let mut months: BTreeMap<Month, (i64, i64)> =
        period.months().into_iter().map(|m| (m, (0, 0))).collect();
    let mut statuses: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in db.query_all(&q).await? {
        let month: NaiveDate = r.try_get_by_index(0)?;
        let status: String = r.try_get_by_index(1)?;
        let usd: i64 = r.try_get_by_index::<Option<i64>>(2)?.unwrap_or(0);
        let items: i64 = r.try_get_by_index::<Option<i64>>(3)?.unwrap_or(0);
        let m = months.entry(Month::of(month)).or_default();
        m.0 += usd;
        m.1 += items;
        let s = statuses.entry(status).or_default();
        s.0 += usd;
        s.1 += items;
    }
    let total: i64 = months.values().map(|(usd, _)| usd).sum();
    Ok(PayoutTrend {
        start: period.start,
        end: period.end,
        data_as_of,
        months: months
            .into_iter()
            .map(|(month, (usd, items))| PayoutMonth {
                month,
                earning_amount_usd: decimal_string(usd),
                currency: "USD".to_owned(),
                line_items: Ord::max(items, 0) as u64,
            })
            .collect(),
        by_status: PayoutStatus::ALL
            .iter()
            .map(|s| {
                let (usd, items) = statuses.get(s.name()).copied().unwrap_or_default();
                PayoutStatusTotal {
                    payout_status: *s,
                    earning_amount_usd: decimal_string(usd),
                    line_items: Ord::max(items, 0) as u64,
                }
            })
            .collect(),
        total_usd: decimal_string(total),
    })
}
