//! Customer counts and one customer's view.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query};
use shared::Month;
use shared::dictionary::MarketplaceLicenseType;
use shared::reports::customers::{
    CustomerCount, CustomerFilters, CustomerSummary, CustomerUsageMonth, CustomerView,
};
use shared::reports::grid::{CustomerRow, OrderRow};
use shared::reports::slicers::Slicers;
use shared::reports::units;

use crate::error::ApiError;
use crate::reports::filters::{SlicerColumns, slicer_condition};
use crate::reports::grid::GridRequest;

/// A customer's first acquisition of a license type and its last loss: `None` until a
/// row is seen, `Some(None)` while any of its subscriptions lasts.
type Span = (NaiveDate, Option<Option<NaiveDate>>);

/// Customers by Marketplace License Type whose subscriptions overlap `from`..=`to`.
pub async fn summary<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    slicers: &Slicers,
    data_as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<CustomerSummary, ApiError> {
    let mut q = Query::select();
    q.from(Alias::new("customers"))
        .columns([
            Alias::new("customer_id"),
            Alias::new("marketplace_license_type"),
            Alias::new("date_acquired"),
            Alias::new("date_lost"),
        ])
        .and_where(Expr::col(Alias::new("publisher_id")).eq(publisher_id))
        .and_where(Expr::col(Alias::new("date_acquired")).lte(to))
        .cond_where(
            Condition::any()
                .add(Expr::col(Alias::new("date_lost")).is_null())
                .add(Expr::col(Alias::new("date_lost")).gte(from)),
        )
        .cond_where(slicer_condition(slicers, &SlicerColumns::LICENSE_TYPES));
    // Per license type and customer: the first acquisition and the last loss (None while
    // any subscription lasts).
    let mut spans: HashMap<(String, String), Span> = HashMap::new();
    for r in db.query_all(&q).await? {
        let customer: String = r.try_get_by_index(0)?;
        let mlt: String = r.try_get_by_index(1)?;
        let acquired: NaiveDate = r.try_get_by_index(2)?;
        let lost: Option<NaiveDate> = r.try_get_by_index(3)?;
        let entry = spans.entry((mlt, customer)).or_insert((acquired, None));
        entry.0 = Ord::min(entry.0, acquired);
        entry.1 = Some(match (entry.1, lost) {
            (None, l) => l,
            (Some(None), _) | (_, None) => None,
            (Some(Some(a)), Some(b)) => Some(Ord::max(a, b)),
        });
    }
    let mut counts: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    let mut everyone = BTreeSet::new();
    for ((mlt, customer), (acquired, lost)) in spans {
        let c = counts.entry(mlt).or_default();
        c.0 += 1;
        if acquired >= from {
            c.1 += 1;
        }
        if let Some(Some(lost)) = lost
            && lost <= to
        {
            c.2 += 1;
        }
        everyone.insert(customer);
    }
    Ok(CustomerSummary {
        filters: CustomerFilters {
            from,
            to,
            azure_license_type: slicers.azure_license_type.clone(),
            marketplace_license_type: slicers.marketplace_license_type.clone(),
        },
        data_as_of,
        total_active: everyone.len() as u64,
        by_marketplace_license_type: MarketplaceLicenseType::ALL
            .iter()
            .map(|t| {
                let (active, new, lost) = counts.get(t.name()).copied().unwrap_or_default();
                CustomerCount {
                    marketplace_license_type: *t,
                    active,
                    new,
                    lost,
                }
            })
            .collect(),
    })
}

/// One customer's view from its customer rows, orders and usage; `None` when the
/// publisher has no trace of the customer.
pub async fn view<C: ConnectionTrait>(
    db: &C,
    customer_id: &str,
    subscriptions: GridRequest,
    orders: GridRequest,
    data_as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Option<CustomerView>, ApiError> {
    let publisher_id = subscriptions.publisher_id;
    let masked = subscriptions.masked;
    let (subscription_rows, _) = subscriptions.page(db).await?;
    let order_count = orders.count(db).await?;
    let (order_rows, _) = orders.page(db).await?;

    // The months the publisher has usage in (from the rollup's index), each one short
    // range of the usage index by month and customer (m0009).
    let mut months = Query::select();
    months
        .distinct()
        .column(Alias::new("month"))
        .from(Alias::new("rollup_usage"))
        .and_where(Expr::col(Alias::new("publisher_id")).eq(publisher_id));
    let mut usage_months = Vec::new();
    for r in db.query_all(&months).await? {
        usage_months.push(r.try_get_by_index::<NaiveDate>(0)?);
    }
    let mut q = Query::select();
    q.from(Alias::new("usage"))
        .column(Alias::new("month_start_date"))
        .expr(Expr::cust("CAST(SUM(normalized_usage) AS BIGINT)"))
        .expr(Expr::cust("CAST(SUM(raw_usage) AS BIGINT)"))
        .expr(Expr::cust("CAST(SUM(metered_usage) AS BIGINT)"))
        .and_where(Expr::col(Alias::new("publisher_id")).eq(publisher_id))
        .and_where(Expr::col(Alias::new("month_start_date")).is_in(usage_months))
        .and_where(Expr::col(Alias::new("customer_id")).eq(customer_id))
        .group_by_col(Alias::new("month_start_date"))
        .order_by(Alias::new("month_start_date"), sea_orm::Order::Asc);
    let mut usage_by_month = Vec::new();
    for r in db.query_all(&q).await? {
        let month: NaiveDate = r.try_get_by_index(0)?;
        let n: Option<i64> = r.try_get_by_index(1)?;
        let raw: Option<i64> = r.try_get_by_index(2)?;
        let metered: Option<i64> = r.try_get_by_index(3)?;
        usage_by_month.push(CustomerUsageMonth {
            month: Month::of(month),
            normalized_usage: units(n.unwrap_or(0)),
            raw_usage: units(raw.unwrap_or(0)),
            metered_usage: units(metered.unwrap_or(0)),
        });
    }
    if subscription_rows.is_empty() && order_rows.is_empty() && usage_by_month.is_empty() {
        return Ok(None);
    }
    let subscriptions: Vec<CustomerRow> = subscription_rows.into_iter().map(CustomerRow).collect();
    Ok(Some(CustomerView {
        customer_id: customer_id.to_owned(),
        data_as_of,
        masked,
        profile: subscriptions.first().cloned(),
        subscriptions,
        orders: order_rows.into_iter().map(OrderRow).collect(),
        order_count,
        usage_by_month,
    }))
}
