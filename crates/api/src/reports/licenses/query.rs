//! The License dashboard's filters and widgets, computed from the license rows of the
//! range (one scan, aggregated in Rust into whichever widget is asked for).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query};
use shared::auth::Permission;
use shared::countries::COUNTRIES;
use shared::dictionary::{Dataset, OfferType, market_code};
use shared::reports::grid::MASKED;
use shared::reports::licenses::{
    AnalysisBy, AnalysisRow, CountryLicenses, CustomersMonth, LicenseAnalysisWidget,
    LicenseCustomersWidget, LicenseFilters, LicenseGeographyWidget, LicenseLicensesWidget,
    LicenseOptions, LicensesMonth,
};
use shared::reports::slicers::SlicerOption;
use shared::{ErrorCode, FieldError, Month, Problem};

use crate::error::ApiError;
use crate::query::QueryParams;
use crate::reports::filters::Period;
use crate::reports::freshness;

/// The longest custom range, in months.
pub const MAX_MONTHS: i32 = 60;

/// A parsed License dashboard request: its range, filters and what the caller may see.
#[derive(Clone, Debug)]
pub struct LicenseQuery {
    /// The caller's publisher.
    pub publisher_id: i64,
    /// The echo of the effective filters.
    pub filters: LicenseFilters,
    /// The months of the range.
    pub period: Period,
    /// Whether customer names are masked (no Customers permission).
    pub masked: bool,
    /// When license data last changed.
    pub data_as_of: Option<chrono::DateTime<Utc>>,
}

fn list(params: &QueryParams, name: &str) -> Vec<String> {
    let mut values: Vec<String> = params
        .get(name)
        .map(|raw| {
            raw.split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    values.sort();
    values.dedup();
    values
}

/// Parses the range and filters. Unknown offer types and countries, malformed months,
/// a range given two ways and a customer-name filter without the Customers permission
/// are problems naming the parameter.
pub async fn parse<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    permissions: &[Permission],
    params: &QueryParams,
) -> Result<LicenseQuery, ApiError> {
    let masked = !permissions.contains(&Permission::Customers);
    let mut errors = Vec::new();
    let mut offer_type = Vec::new();
    for raw in list(params, "offerType") {
        match OfferType::from_name(&raw) {
            Some(t) => offer_type.push(t),
            None => errors.push(FieldError {
                field: "offerType".to_owned(),
                line: None,
                reason: format!(
                    "'{raw}' is not a known value; accepted: {}",
                    OfferType::ALL
                        .iter()
                        .map(|t| t.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
    offer_type.sort();
    offer_type.dedup();
    let mut country = Vec::new();
    for raw in list(params, "country") {
        match market_code(&raw) {
            Some(code) => country.push(code.to_owned()),
            None => errors.push(FieldError {
                field: "country".to_owned(),
                line: None,
                reason: format!(
                    "'{raw}' is not a known value; accepted: ISO 3166-1 alpha-2 codes such as US or DE"
                ),
            }),
        }
    }
    country.sort();
    country.dedup();
    if !errors.is_empty() {
        let detail = errors
            .iter()
            .map(|e| format!("'{}': {}", e.field, e.reason))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ApiError::Client(Box::new(
            Problem::new(
                ErrorCode::InvalidParameter,
                format!("Unknown filter values: {detail}."),
            )
            .with_errors(errors),
        )));
    }
    let customer_name = list(params, "customerName");
    if masked && !customer_name.is_empty() {
        return Err(ApiError::Client(Box::new(
            Problem::new(
                ErrorCode::Forbidden,
                "Parameter 'customerName': filtering on customer names needs the Customers permission.",
            )
            .with_errors(vec![FieldError {
                field: "customerName".to_owned(),
                line: None,
                reason: "personal data needs the Customers permission".to_owned(),
            }]),
        )));
    }

    let (data_as_of, latest) = freshness(db, publisher_id, Dataset::Licenses).await?;
    let latest = Month::of(latest.unwrap_or_else(|| Utc::now().date_naive()));
    let from = params.month("from")?;
    let to = params.month("to")?;
    let range = params.get("range");
    let (range_name, period) = match (range, from, to) {
        (Some(r), None, None) => {
            let months = match r {
                "last6m" => 6,
                "last12m" => 12,
                other => {
                    return Err(ApiError::invalid_parameter(
                        "range",
                        format!("'{other}' is not a range; use last6m or last12m, or from and to"),
                    ));
                }
            };
            (
                r.to_owned(),
                Period {
                    start: latest.plus_months(-(months - 1)),
                    end: latest,
                },
            )
        }
        (Some(_), _, _) => {
            return Err(ApiError::invalid_parameter(
                "range",
                "give either range or from and to, not both",
            ));
        }
        (None, None, None) => (
            "last6m".to_owned(),
            Period {
                start: latest.plus_months(-5),
                end: latest,
            },
        ),
        (None, from, to) => {
            let to = to.unwrap_or(latest);
            let from = from.unwrap_or_else(|| to.plus_months(-5));
            if from > to {
                return Err(ApiError::invalid_parameter(
                    "from",
                    format!("'from' ({from}) is after 'to' ({to})"),
                ));
            }
            if from.plus_months(MAX_MONTHS - 1) < to {
                return Err(ApiError::invalid_parameter(
                    "from",
                    format!("a range spans at most {MAX_MONTHS} months"),
                ));
            }
            (
                "custom".to_owned(),
                Period {
                    start: from,
                    end: to,
                },
            )
        }
    };
    Ok(LicenseQuery {
        publisher_id,
        filters: LicenseFilters {
            range: range_name,
            from: Some(period.start),
            to: Some(period.end),
            offer_type,
            offer_name: list(params, "offerName"),
            plan_name: list(params, "planName"),
            customer_name,
            country,
        },
        period,
        masked,
        data_as_of,
    })
}

impl LicenseQuery {
    /// The range's condition alone (the options ignore the other filters).
    pub fn range_condition(&self) -> Condition {
        Condition::all()
            .add(Expr::col(Alias::new("publisher_id")).eq(self.publisher_id))
            .add(
                Expr::col(Alias::new("month_start_date"))
                    .between(self.period.start.first_day(), self.period.end.last_day()),
            )
    }

    /// Every filter's condition on the `licenses` table.
    pub fn condition(&self) -> Condition {
        let mut cond = self.range_condition();
        for (column, values) in self.column_filters() {
            cond = cond.add(Expr::col(Alias::new(column)).is_in(values));
        }
        cond
    }

    /// The column conditions of the filters, for the grid engine's download.
    pub fn column_filters(&self) -> Vec<(&'static str, Vec<String>)> {
        let f = &self.filters;
        [
            (
                "offer_type",
                f.offer_type.iter().map(|t| t.name().to_owned()).collect(),
            ),
            ("product_display_name", f.offer_name.clone()),
            ("plan_name", f.plan_name.clone()),
            ("customer_name", f.customer_name.clone()),
            ("customer_country_code", f.country.clone()),
        ]
        .into_iter()
        .filter(|(_, v): &(&str, Vec<String>)| !v.is_empty())
        .collect()
    }
}

/// One license row, as the widgets need it.
#[derive(Clone, Debug)]
pub struct LicenseFact {
    /// The month.
    pub month: Month,
    /// Customer ID.
    pub customer_id: String,
    /// Customer name.
    pub customer_name: String,
    /// Offer name.
    pub offer_name: String,
    /// Plan name.
    pub plan_name: String,
    /// Country code.
    pub country_code: String,
    /// Country name.
    pub country: String,
    /// Provisioned.
    pub provisioned: i64,
    /// Assigned.
    pub assigned: i64,
}

/// The filtered license rows of the range.
pub async fn facts<C: ConnectionTrait>(
    db: &C,
    query: &LicenseQuery,
) -> Result<Vec<LicenseFact>, ApiError> {
    let mut q = Query::select();
    q.from(Alias::new("licenses"))
        .columns(
            [
                "month_start_date",
                "customer_id",
                "customer_name",
                "product_display_name",
                "plan_name",
                "customer_country_code",
                "customer_country",
                "licenses_provisioned",
                "licenses_assigned",
            ]
            .map(Alias::new),
        )
        .cond_where(query.condition());
    let mut facts = Vec::new();
    for r in db.query_all(&q).await? {
        let month: NaiveDate = r.try_get_by_index(0)?;
        facts.push(LicenseFact {
            month: Month::of(month),
            customer_id: r.try_get_by_index(1)?,
            customer_name: r.try_get_by_index(2)?,
            offer_name: r.try_get_by_index(3)?,
            plan_name: r.try_get_by_index(4)?,
            country_code: r.try_get_by_index(5)?,
            country: r.try_get_by_index(6)?,
            provisioned: r.try_get_by_index(7)?,
            assigned: r.try_get_by_index(8)?,
        });
    }
    Ok(facts)
}

/// The filter values present in the range.
pub async fn options<C: ConnectionTrait>(
    db: &C,
    query: &LicenseQuery,
) -> Result<LicenseOptions, ApiError> {
    let mut sets: [BTreeMap<String, String>; 5] = Default::default();
    let mut q = Query::select();
    q.from(Alias::new("licenses"))
        .distinct()
        .columns(
            [
                "offer_type",
                "product_display_name",
                "plan_name",
                "customer_name",
                "customer_country_code",
                "customer_country",
            ]
            .map(Alias::new),
        )
        .cond_where(query.range_condition());
    for r in db.query_all(&q).await? {
        let values: [String; 6] = [
            r.try_get_by_index(0)?,
            r.try_get_by_index(1)?,
            r.try_get_by_index(2)?,
            r.try_get_by_index(3)?,
            r.try_get_by_index(4)?,
            r.try_get_by_index(5)?,
        ];
        for (i, set) in sets.iter_mut().enumerate() {
            let label = if i == 4 {
                values[5].clone()
            } else {
                values[i].clone()
            };
            set.insert(values[i].clone(), label);
        }
    }
    let [types, offers, plans, customers, countries] = sets;
    let plain = |set: BTreeMap<String, String>| -> Vec<SlicerOption> {
        set.into_iter()
            .map(|(value, label)| SlicerOption { value, label })
            .collect()
    };
    let mut country: Vec<SlicerOption> = countries
        .into_iter()
        .map(|(value, label)| {
            let label = COUNTRIES
                .iter()
                .find(|(code, _)| *code == value)
                .map_or(label, |(_, name)| (*name).to_owned());
            SlicerOption { value, label }
        })
        .collect();
    country.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(LicenseOptions {
        filters: query.filters.clone(),
        data_as_of: query.data_as_of,
        offer_type: OfferType::ALL
            .iter()
            .filter(|t| types.contains_key(t.name()))
            .map(|t| SlicerOption {
                value: t.name().to_owned(),
                label: t.name().to_owned(),
            })
            .collect(),
        offer_name: plain(offers),
        plan_name: plain(plans),
        customer_name: if query.masked {
            Vec::new()
        } else {
            plain(customers)
        },
        country,
        masked: query.masked,
    })
}

fn previous_month(query: &LicenseQuery) -> Option<Month> {
    (query.period.start < query.period.end).then(|| query.period.end.plus_months(-1))
}

/// Customers per month and now.
pub fn customers(query: &LicenseQuery, facts: &[LicenseFact]) -> LicenseCustomersWidget {
    let mut per_month: BTreeMap<Month, BTreeSet<&str>> = query
        .period
        .months()
        .into_iter()
        .map(|m| (m, BTreeSet::new()))
        .collect();
    for f in facts {
        per_month
            .entry(f.month)
            .or_default()
            .insert(f.customer_id.as_str());
    }
    let count = |m: Month| per_month.get(&m).map_or(0, |s| s.len() as u64);
    LicenseCustomersWidget {
        filters: query.filters.clone(),
        data_as_of: query.data_as_of,
        current: count(query.period.end),
        previous: previous_month(query).map(count),
        months: per_month
            .iter()
            .map(|(month, set)| CustomersMonth {
                month: *month,
                customers: set.len() as u64,
            })
            .collect(),
    }
}

fn monthly_licenses(query: &LicenseQuery, facts: &[LicenseFact]) -> Vec<LicensesMonth> {
    let mut per_month: BTreeMap<Month, (i64, i64)> = query
        .period
        .months()
        .into_iter()
        .map(|m| (m, (0, 0)))
        .collect();
    for f in facts {
        let e = per_month.entry(f.month).or_default();
        e.0 += f.provisioned;
        e.1 += f.assigned;
    }
    per_month
        .into_iter()
        .map(|(month, (provisioned, assigned))| LicensesMonth {
            month,
            provisioned,
            assigned,
        })
        .collect()
}

/// Provisioned and assigned licenses per month and now.
pub fn licenses(query: &LicenseQuery, facts: &[LicenseFact]) -> LicenseLicensesWidget {
    let months = monthly_licenses(query, facts);
    let find = |m: Month| {
        months
            .iter()
            .find(|x| x.month == m)
            .cloned()
            .unwrap_or(LicensesMonth {
                month: m,
                provisioned: 0,
                assigned: 0,
            })
    };
    LicenseLicensesWidget {
        filters: query.filters.clone(),
        data_as_of: query.data_as_of,
        current: find(query.period.end),
        previous: previous_month(query).map(find),
        months,
    }
}

/// A share in percent with one decimal.
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// Licenses per offer and plan (or per customer) in the current month, with shares and
/// the previous month.
pub fn analysis(
    query: &LicenseQuery,
    facts: &[LicenseFact],
    by: AnalysisBy,
) -> LicenseAnalysisWidget {
    let current = query.period.end;
    let previous = previous_month(query);
    // Key → (label parts, current provisioned, assigned, previous provisioned, assigned).
    let mut groups: HashMap<(String, String), [i64; 4]> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for f in facts {
        let slot = if f.month == current {
            0
        } else if Some(f.month) == previous {
            2
        } else {
            continue;
        };
        let key = match by {
            AnalysisBy::Products => (f.offer_name.clone(), f.plan_name.clone()),
            AnalysisBy::Customers => {
                names
                    .entry(f.customer_id.clone())
                    .or_insert_with(|| f.customer_name.clone());
                (f.customer_id.clone(), String::new())
            }
        };
        let g = groups.entry(key).or_default();
        g[slot] += f.provisioned;
        g[slot + 1] += f.assigned;
    }
    let total_provisioned: i64 = groups.values().map(|g| g[0]).sum();
    let total_assigned: i64 = groups.values().map(|g| g[1]).sum();
    let mut rows: Vec<AnalysisRow> = groups
        .into_iter()
        .map(|((a, b), g)| {
            let (offer_name, plan_name, customer_id, customer_name) = match by {
                AnalysisBy::Products => (Some(a), Some(b), None, None),
                AnalysisBy::Customers => {
                    let name = if query.masked {
                        MASKED.to_owned()
                    } else {
                        names.get(&a).cloned().unwrap_or_default()
                    };
                    (None, None, Some(a), Some(name))
                }
            };
            AnalysisRow {
                offer_name,
                plan_name,
                customer_id,
                customer_name,
                provisioned: g[0],
                assigned: g[1],
                provisioned_percent: percent(g[0], total_provisioned),
                assigned_percent: percent(g[1], total_assigned),
                previous_provisioned: g[2],
                previous_assigned: g[3],
            }
        })
        .collect();
    rows.sort_by(|x, y| {
        y.provisioned
            .cmp(&x.provisioned)
            .then_with(|| x.offer_name.cmp(&y.offer_name))
            .then_with(|| x.plan_name.cmp(&y.plan_name))
            .then_with(|| x.customer_id.cmp(&y.customer_id))
    });
    LicenseAnalysisWidget {
        filters: query.filters.clone(),
        by,
        data_as_of: query.data_as_of,
        rows,
        months: monthly_licenses(query, facts),
    }
}

/// Licenses per country/region in the current month.
pub fn geography(query: &LicenseQuery, facts: &[LicenseFact]) -> LicenseGeographyWidget {
    let mut per_country: BTreeMap<String, (String, i64, i64, BTreeSet<&str>)> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.month == query.period.end) {
        let e = per_country
            .entry(f.country_code.clone())
            .or_insert_with(|| (f.country.clone(), 0, 0, BTreeSet::new()));
        e.1 += f.provisioned;
        e.2 += f.assigned;
        e.3.insert(f.customer_id.as_str());
    }
    let mut countries: Vec<CountryLicenses> = per_country
        .into_iter()
        .map(
            |(code, (name, provisioned, assigned, customers))| CountryLicenses {
                country_code: code,
                country: name,
                provisioned,
                assigned,
                customers: customers.len() as u64,
            },
        )
        .collect();
    countries.sort_by(|a, b| {
        b.provisioned
            .cmp(&a.provisioned)
            .then_with(|| a.country_code.cmp(&b.country_code))
    });
    LicenseGeographyWidget {
        filters: query.filters.clone(),
        data_as_of: query.data_as_of,
        countries,
    }
}
