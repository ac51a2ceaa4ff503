//! The Orders and Usage reports from their rollups: per panel, the database sums the
//! period's rollup rows by the panel's column (one statement for every panel of a
//! view); here the sums become top N with "Other", channels and labels.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, UnionType};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter};
use shared::Month;
use shared::dictionary::{
    AzureLicenseType, Channel, MarketplaceLicenseType, OfferType, PreviewStatus, country_name,
};
use shared::reports::activity::{
    ActivityFilters, ActivityMonthly, ActivityTrend, ActivityUnit, CategoryValue, ChannelRow,
    MeteredMonth, SubjectArea, TopN, TrendArea, TrendFilters, TrendSeries, UsageMeasure,
};
use shared::reports::slicers::{SlicerOption, SlicerOptions, Slicers};
use shared::reports::units;

use crate::db::entities::offers;
use crate::error::ApiError;
use crate::reports::filters::{Period, SlicerColumns, slicer_condition};
use crate::reports::grid::fast::SqliteReader;

use super::fast::{self, ColumnSums};

/// Which report of the Orders and Usage page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    /// New orders.
    Orders,
    /// Usage hours, by the given measure.
    Usage(UsageMeasure),
}

impl Activity {
    fn table(self) -> &'static str {
        match self {
            Activity::Orders => "rollup_orders",
            Activity::Usage(_) => "rollup_usage",
        }
    }

    /// The rollup column of the measure.
    fn measure_column(self) -> &'static str {
        match self {
            Activity::Orders => "new_orders",
            Activity::Usage(UsageMeasure::Normalized) => "normalized_usage",
            Activity::Usage(UsageMeasure::Raw) => "raw_usage",
        }
    }

    fn measure_sql(self) -> &'static str {
        match self {
            Activity::Orders => "CAST(SUM(new_orders) AS BIGINT)",
            Activity::Usage(UsageMeasure::Normalized) => "CAST(SUM(normalized_usage) AS BIGINT)",
            Activity::Usage(UsageMeasure::Raw) => "CAST(SUM(raw_usage) AS BIGINT)",
        }
    }

    fn unit(self) -> ActivityUnit {
        match self {
            Activity::Orders => ActivityUnit::Orders,
            Activity::Usage(_) => ActivityUnit::Hours,
        }
    }

    /// A stored measure as the report's value: orders as they are, usage from
    /// ten-thousandths of an hour to hours.
    fn value(self, stored: i64) -> f64 {
        match self {
            Activity::Orders => stored as f64,
            Activity::Usage(_) => units(stored),
        }
    }

    fn filters(self, period: Period, slicers: &Slicers) -> ActivityFilters {
        ActivityFilters {
            start: period.start,
            end: period.end,
            measure: match self {
                Activity::Orders => None,
                Activity::Usage(m) => Some(m),
            },
            slicers: slicers.clone(),
        }
    }
}

/// A column the panels group the rollup by. Channel and Azure License Type share one
/// (the channel follows from the license type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dim {
    AzureLicenseType,
    MarketplaceLicenseType,
    Market,
    OfferType,
    Offer,
    Preview,
}

impl Dim {
    fn of(area: SubjectArea) -> Dim {
        match area {
            SubjectArea::Channel | SubjectArea::AzureLicenseType => Dim::AzureLicenseType,
            SubjectArea::MarketplaceLicenseType => Dim::MarketplaceLicenseType,
            SubjectArea::Market => Dim::Market,
            SubjectArea::OfferType => Dim::OfferType,
            SubjectArea::Offer => Dim::Offer,
            SubjectArea::PreviewStatus => Dim::Preview,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Dim::AzureLicenseType => "azure_license_type",
            Dim::MarketplaceLicenseType => "marketplace_license_type",
            Dim::Market => "customer_country",
            Dim::OfferType => "offer_type",
            Dim::Offer => "offer_id",
            Dim::Preview => "is_preview_sku",
        }
    }
}

/// The period's measure per month and value of each asked column (orders, or
/// ten-thousandths of an hour), so that what crosses from the database is a few hundred
/// sums (or, on SQLite, one pass over the period's rollup rows: `fast.rs`) rather than
/// every slicer combination of the period through the driver.
struct Sums {
    dims: Vec<Dim>,
    months: Vec<Month>,
    /// Per asked column (same order as `dims`): each value's measure per month.
    sums: ColumnSums,
}

impl Sums {
    #[allow(clippy::too_many_arguments)]
    async fn load<C: ConnectionTrait>(
        db: &C,
        reader: Option<&Arc<SqliteReader>>,
        activity: Activity,
        publisher_id: i64,
        period: Period,
        slicers: &Slicers,
        areas: &[SubjectArea],
    ) -> Result<Sums, ApiError> {
        let mut dims: Vec<Dim> = Vec::new();
        for area in areas {
            let dim = Dim::of(*area);
            if !dims.contains(&dim) {
                dims.push(dim);
            }
        }
        if dims.is_empty() {
            dims.push(Dim::AzureLicenseType);
        }
        let months = period.months();
        let sums = match reader {
            Some(reader) => {
                let mut q = base_query(activity, publisher_id, period, slicers);
                q.column(Alias::new("month"));
                for dim in &dims {
                    q.column(Alias::new(dim.column()));
                }
                q.column(Alias::new(activity.measure_column()));
                let (reader, months, dims) = (Arc::clone(reader), months.clone(), dims.clone());
                tokio::task::spawn_blocking(move || {
                    reader.with(|conn| fast::column_sums(conn, &q, &months, &dims))
                })
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::internal)?
            }
            None => {
                Self::grouped(db, activity, publisher_id, period, slicers, &dims, &months).await?
            }
        };
        Ok(Sums { dims, months, sums })
    }

    /// The sums grouped by the database. PostgreSQL groups one scan of the period's
    /// rollup rows by every column at once (`GROUPING SETS`, hashed); SQLite has no
    /// grouping sets, so there it is one grouped scan per column in a `UNION ALL` (only
    /// without a reader pool, e.g. an in-memory database).
    async fn grouped<C: ConnectionTrait>(
        db: &C,
        activity: Activity,
        publisher_id: i64,
        period: Period,
        slicers: &Slicers,
        dims: &[Dim],
        months: &[Month],
    ) -> Result<ColumnSums, ApiError> {
        if db.get_database_backend() == DbBackend::Postgres {
            return Self::grouping_sets(db, activity, publisher_id, period, slicers, dims, months)
                .await;
        }
        let mut union: Option<SelectStatement> = None;
        for (i, dim) in dims.iter().enumerate() {
            let mut q = base_query(activity, publisher_id, period, slicers);
            q.expr(Expr::val(i as i64))
                .column(Alias::new("month"))
                .expr(Expr::cust(format!("CAST({} AS TEXT)", dim.column())))
                .expr(Expr::cust(activity.measure_sql()))
                .group_by_col(Alias::new("month"))
                .group_by_col(Alias::new(dim.column()));
            match &mut union {
                None => union = Some(q),
                Some(u) => {
                    u.union(UnionType::All, q);
                }
            }
        }
        let index: HashMap<Month, usize> =
            months.iter().enumerate().map(|(i, m)| (*m, i)).collect();
        let mut sums: ColumnSums = vec![HashMap::new(); dims.len()];
        if let Some(q) = union {
            for r in db.query_all(&q).await? {
                let i: i64 = r.try_get_by_index(0)?;
                let month: NaiveDate = r.try_get_by_index(1)?;
                let key: String = r.try_get_by_index(2)?;
                let value = r.try_get_by_index::<Option<i64>>(3)?.unwrap_or(0);
                let Some(i) = usize::try_from(i).ok().filter(|i| *i < dims.len()) else {
                    continue;
                };
                let Some(&m) = index.get(&Month::of(month)) else {
                    continue;
                };
                add_to(&mut sums[i], dims[i], key, m, months.len(), value);
            }
        }
        Ok(sums)
    }

    /// PostgreSQL's one grouped scan: a row per set, holding the month, its set's
    /// column (as text) and the measure, the other columns null (the columns are never
    /// null in the rollups, so the one that is not null names the set).
    async fn grouping_sets<C: ConnectionTrait>(
        db: &C,
        activity: Activity,
        publisher_id: i64,
        period: Period,
        slicers: &Slicers,
        dims: &[Dim],
        months: &[Month],
    ) -> Result<ColumnSums, ApiError> {
        let mut q = base_query(activity, publisher_id, period, slicers);
        q.column(Alias::new("month"));
        for dim in dims {
            q.expr(Expr::cust(format!("CAST({} AS TEXT)", dim.column())));
        }
        q.expr(Expr::cust(activity.measure_sql()));
        let sets = dims
            .iter()
            .map(|d| format!("(month, {})", d.column()))
            .collect::<Vec<_>>()
            .join(", ");
        q.add_group_by([Expr::cust(format!("GROUPING SETS ({sets})"))]);
        let index: HashMap<Month, usize> =
            months.iter().enumerate().map(|(i, m)| (*m, i)).collect();
        let mut sums: ColumnSums = vec![HashMap::new(); dims.len()];
        for r in db.query_all(&q).await? {
            let month: NaiveDate = r.try_get_by_index(0)?;
            let Some(&m) = index.get(&Month::of(month)) else {
                continue;
            };
            let value = r
                .try_get_by_index::<Option<i64>>(dims.len() + 1)?
                .unwrap_or(0);
            for (i, dim) in dims.iter().enumerate() {
                let Some(key) = r.try_get_by_index::<Option<String>>(i + 1)? else {
                    continue;
                };
                add_to(&mut sums[i], *dim, key, m, months.len(), value);
                break;
            }
        }
        Ok(sums)
    }

    /// Each category key of a subject area with its measure per month.
    fn of(&self, area: SubjectArea) -> Result<HashMap<String, Vec<i64>>, ApiError> {
        let dim = Dim::of(area);
        let Some(i) = self.dims.iter().position(|d| *d == dim) else {
            return Err(ApiError::internal(format!(
                "the sums of {area:?} were not asked for"
            )));
        };
        if area == SubjectArea::Channel {
            let mut by_channel: HashMap<String, Vec<i64>> = HashMap::new();
            for (key, values) in &self.sums[i] {
                let channel = by_channel
                    .entry(channel_of(key)?.name().to_owned())
                    .or_insert_with(|| vec![0; self.months.len()]);
                for (c, v) in channel.iter_mut().zip(values) {
                    *c += v;
                }
            }
            return Ok(by_channel);
        }
        Ok(self.sums[i].clone())
    }

    /// The measure of each month of the period (every column's sums add up to the
    /// same totals).
    fn month_totals(&self) -> Vec<i64> {
        let mut totals = vec![0; self.months.len()];
        if let Some(first) = self.sums.first() {
            for values in first.values() {
                for (t, v) in totals.iter_mut().zip(values) {
                    *t += v;
                }
            }
        }
        totals
    }
}

/// The channel of a stored Azure License Type (an internal error for a value the
/// dictionary does not know, which only a corrupt rollup could hold).
pub(crate) fn channel_of(azure_license_type: &str) -> Result<Channel, ApiError> {
    AzureLicenseType::from_name(azure_license_type)
        .map(AzureLicenseType::channel)
        .ok_or_else(|| {
            ApiError::internal(format!(
                "unknown Azure license type '{azure_license_type}' in a rollup"
            ))
        })
}

fn base_query(
    activity: Activity,
    publisher_id: i64,
    period: Period,
    slicers: &Slicers,
) -> SelectStatement {
    let (first, last) = period.month_starts();
    let mut q = Query::select();
    q.from(Alias::new(activity.table()))
        .and_where(Expr::col(Alias::new("publisher_id")).eq(publisher_id))
        .and_where(Expr::col(Alias::new("month")).between(first, last))
        .cond_where(slicer_condition(slicers, &SlicerColumns::ALL));
    if let Activity::Usage(_) = activity {
        q.and_where(Expr::col(Alias::new("usage_type")).ne("Metered"));
    }
    q
}

/// Labels of the categories of a subject area.
struct Labels {
    offers: HashMap<String, String>,
}

impl Labels {
    async fn load<C: ConnectionTrait>(db: &C, publisher_id: i64) -> Result<Self, ApiError> {
        let offers = offers::Entity::find()
            .filter(offers::Column::PublisherId.eq(publisher_id))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.offer_id, o.offer_name))
            .collect();
        Ok(Labels { offers })
    }

    fn label(&self, area: SubjectArea, key: &str) -> String {
        match area {
            SubjectArea::Market => country_name(key).unwrap_or(key).to_owned(),
            SubjectArea::Offer => self
                .offers
                .get(key)
                .cloned()
                .unwrap_or_else(|| key.to_owned()),
            _ => key.to_owned(),
        }
    }
}

/// Categories of one subject area with per-month values, largest total first (ties by
/// key), cut to the top N with the rest summed into "Other".
fn ranked(
    sums: &Sums,
    area: SubjectArea,
    top: TopN,
) -> Result<Vec<(String, bool, Vec<i64>)>, ApiError> {
    let months = sums.months.len();
    let mut rows: Vec<(String, Vec<i64>)> = sums.of(area)?.into_iter().collect();
    rows.sort_by(|a, b| {
        let ta: i64 = a.1.iter().sum();
        let tb: i64 = b.1.iter().sum();
        tb.cmp(&ta).then_with(|| a.0.cmp(&b.0))
    });
    let limit = top.limit().unwrap_or(usize::MAX);
    let mut out: Vec<(String, bool, Vec<i64>)> = Vec::new();
    let mut other: Option<Vec<i64>> = None;
    for (i, (key, values)) in rows.into_iter().enumerate() {
        if i < limit {
            out.push((key, false, values));
        } else {
            let acc = other.get_or_insert_with(|| vec![0; months]);
            for (a, v) in acc.iter_mut().zip(values) {
                *a += v;
            }
        }
    }
    if let Some(values) = other {
        out.push(("Other".to_owned(), true, values));
    }
    Ok(out)
}

/// Every category of an enumeration-valued subject area, in dictionary order, zeros kept
/// out (a chart of the types present).
fn categories(
    activity: Activity,
    labels: &Labels,
    area: SubjectArea,
    ranked: Vec<(String, bool, Vec<i64>)>,
) -> Vec<CategoryValue> {
    ranked
        .into_iter()
        .map(|(key, other, values)| CategoryValue {
            label: if other {
                "Other".to_owned()
            } else {
                labels.label(area, &key)
            },
            key,
            other,
            value: activity.value(values.iter().sum()),
        })
        .collect()
}

fn in_dictionary_order(mut values: Vec<CategoryValue>, order: &[&str]) -> Vec<CategoryValue> {
    values.sort_by_key(|c| order.iter().position(|o| *o == c.key).unwrap_or(usize::MAX));
    values
}

/// Panel B: the monthly view.
#[allow(clippy::too_many_arguments)]
pub async fn monthly<C: ConnectionTrait>(
    db: &C,
    reader: Option<&Arc<SqliteReader>>,
    activity: Activity,
    publisher_id: i64,
    period: Period,
    slicers: &Slicers,
    data_as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<ActivityMonthly, ApiError> {
    let facts = Sums::load(
        db,
        reader,
        activity,
        publisher_id,
        period,
        slicers,
        &[
            SubjectArea::AzureLicenseType,
            SubjectArea::Market,
            SubjectArea::OfferType,
            SubjectArea::MarketplaceLicenseType,
        ],
    )
    .await?;
    let labels = Labels::load(db, publisher_id).await?;
    let months = period.months();

    let channels = ranked(&facts, SubjectArea::Channel, TopN::All)?;
    let by_channel = Channel::ALL
        .iter()
        .map(|channel| {
            let values = channels
                .iter()
                .find(|(k, _, _)| k == channel.name())
                .map(|(_, _, v)| v.clone())
                .unwrap_or_else(|| vec![0; months.len()]);
            ChannelRow {
                channel: *channel,
                total: activity.value(values.iter().sum()),
                months: values.into_iter().map(|v| activity.value(v)).collect(),
            }
        })
        .collect();
    let month_totals_stored = facts.month_totals();
    let alt_order: Vec<&str> = AzureLicenseType::ALL.iter().map(|v| v.name()).collect();
    let mlt_order: Vec<&str> = MarketplaceLicenseType::ALL
        .iter()
        .map(|v| v.name())
        .collect();

    let metered = match activity {
        Activity::Orders => None,
        Activity::Usage(_) => Some(metered(db, publisher_id, period, slicers).await?),
    };

    Ok(ActivityMonthly {
        filters: activity.filters(period, slicers),
        data_as_of,
        unit: activity.unit(),
        total: activity.value(month_totals_stored.iter().sum()),
        month_totals: month_totals_stored
            .iter()
            .map(|v| activity.value(*v))
            .collect(),
        months,
        by_channel,
        top_markets: categories(
            activity,
            &labels,
            SubjectArea::Market,
            ranked(&facts, SubjectArea::Market, TopN::Top(10))?,
        ),
        top_offer_types: categories(
            activity,
            &labels,
            SubjectArea::OfferType,
            ranked(&facts, SubjectArea::OfferType, TopN::Top(10))?,
        ),
        by_azure_license_type: in_dictionary_order(
            categories(
                activity,
                &labels,
                SubjectArea::AzureLicenseType,
                ranked(&facts, SubjectArea::AzureLicenseType, TopN::All)?,
            ),
            &alt_order,
        ),
        by_marketplace_license_type: in_dictionary_order(
            categories(
                activity,
                &labels,
                SubjectArea::MarketplaceLicenseType,
                ranked(&facts, SubjectArea::MarketplaceLicenseType, TopN::All)?,
            ),
            &mlt_order,
        ),
        metered,
    })
}

async fn metered<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    period: Period,
    slicers: &Slicers,
) -> Result<Vec<MeteredMonth>, ApiError> {
    let (first, last) = period.month_starts();
    let mut q = Query::select();
    q.from(Alias::new("rollup_usage"))
        .column(Alias::new("month"))
        .expr(Expr::cust("CAST(SUM(metered_usage) AS BIGINT)"))
        .and_where(Expr::col(Alias::new("publisher_id")).eq(publisher_id))
        .and_where(Expr::col(Alias::new("month")).between(first, last))
        .and_where(Expr::col(Alias::new("usage_type")).eq("Metered"))
        .cond_where(slicer_condition(slicers, &SlicerColumns::ALL))
        .group_by_col(Alias::new("month"));
    let mut by_month: BTreeMap<Month, i64> = period.months().into_iter().map(|m| (m, 0)).collect();
    for r in db.query_all(&q).await? {
        let month: NaiveDate = r.try_get_by_index(0)?;
        let value: Option<i64> = r.try_get_by_index(1)?;
        *by_month.entry(Month::of(month)).or_default() += value.unwrap_or(0);
    }
    Ok(by_month
        .into_iter()
        .map(|(month, v)| MeteredMonth {
            month,
            metered_usage: units(v),
        })
        .collect())
}

/// Panel C: the trend view for the asked subject areas.
#[allow(clippy::too_many_arguments)]
pub async fn trend<C: ConnectionTrait>(
    db: &C,
    reader: Option<&Arc<SqliteReader>>,
    activity: Activity,
    publisher_id: i64,
    period: Period,
    slicers: &Slicers,
    subjects: &[SubjectArea],
    top: TopN,
    data_as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<ActivityTrend, ApiError> {
    let facts = Sums::load(
        db,
        reader,
        activity,
        publisher_id,
        period,
        slicers,
        subjects,
    )
    .await?;
    let labels = Labels::load(db, publisher_id).await?;
    let months = period.months();
    let mut areas = Vec::with_capacity(subjects.len());
    for area in subjects {
        let series = ranked(&facts, *area, top)?
            .into_iter()
            .map(|(key, other, values)| TrendSeries {
                label: if other {
                    "Other".to_owned()
                } else {
                    labels.label(*area, &key)
                },
                key,
                other,
                total: activity.value(values.iter().sum()),
                months: values.into_iter().map(|v| activity.value(v)).collect(),
            })
            .collect();
        areas.push(TrendArea {
            subject: *area,
            label: area.label().to_owned(),
            series,
        });
    }
    Ok(ActivityTrend {
        filters: TrendFilters {
            activity: activity.filters(period, slicers),
            subject: subjects.to_vec(),
            top: top.to_string(),
        },
        data_as_of,
        unit: activity.unit(),
        month_totals: facts
            .month_totals()
            .into_iter()
            .map(|v| activity.value(v))
            .collect(),
        months,
        areas,
    })
}

/// Panel A's options: the slicer values present in the period (before slicing).
pub async fn options<C: ConnectionTrait>(
    db: &C,
    activity: Activity,
    publisher_id: i64,
    period: Period,
    data_as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<SlicerOptions, ApiError> {
    let mut q = base_query(activity, publisher_id, period, &Slicers::default());
    for d in [
        "azure_license_type",
        "marketplace_license_type",
        "customer_country",
        "offer_type",
        "is_preview_sku",
    ] {
        q.column(Alias::new(d)).group_by_col(Alias::new(d));
    }
    let mut alt = Vec::new();
    let mut mlt = Vec::new();
    let mut markets = Vec::new();
    let mut offer_types = Vec::new();
    let mut previews = Vec::new();
    for r in db.query_all(&q).await? {
        alt.push(r.try_get_by_index::<String>(0)?);
        mlt.push(r.try_get_by_index::<String>(1)?);
        markets.push(r.try_get_by_index::<String>(2)?);
        offer_types.push(r.try_get_by_index::<String>(3)?);
        previews.push(PreviewStatus::of(r.try_get_by_index::<bool>(4)?));
    }
    fn present<T: Copy>(
        all: &[T],
        name: impl Fn(T) -> &'static str,
        seen: &[String],
    ) -> Vec<SlicerOption> {
        all.iter()
            .filter(|v| seen.iter().any(|s| s == name(**v)))
            .map(|v| SlicerOption {
                value: name(*v).to_owned(),
                label: name(*v).to_owned(),
            })
            .collect()
    }
    markets.sort();
    markets.dedup();
    let mut market: Vec<SlicerOption> = markets
        .into_iter()
        .map(|code| SlicerOption {
            label: country_name(&code).unwrap_or(&code).to_owned(),
            value: code,
        })
        .collect();
    market.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(SlicerOptions {
        start: period.start,
        end: period.end,
        data_as_of,
        azure_license_type: present(AzureLicenseType::ALL, AzureLicenseType::name, &alt),
        marketplace_license_type: present(
            MarketplaceLicenseType::ALL,
            MarketplaceLicenseType::name,
            &mlt,
        ),
        market,
        offer_type: present(OfferType::ALL, OfferType::name, &offer_types),
        preview_status: PreviewStatus::ALL
            .iter()
            .filter(|p| previews.contains(p))
            .map(|p| SlicerOption {
                value: p.name().to_owned(),
                label: p.name().to_owned(),
            })
            .collect(),
    })
}

/// Adds a grouped row's measure to its column's sums, under its key in month `m` of
/// `months`. Preview flags come back as text (`1`/`0` from SQLite, `true`/`false` from
/// PostgreSQL) and are kept under their status name.
fn add_to(
    sums: &mut HashMap<String, Vec<i64>>,
    dim: Dim,
    key: String,
    m: usize,
    months: usize,
    value: i64,
) {
    let key = if dim == Dim::Preview {
        PreviewStatus::of(key == "1" || key == "true")
            .name()
            .to_owned()
    } else {
        key
    };
    sums.entry(key).or_insert_with(|| vec![0; months])[m] += value;
}
