//! The one place for slicer and period semantics, used by every report, grid and export.

use chrono::{NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait};
use shared::Month;
use shared::dictionary::{
    AzureLicenseType, Dataset, MarketplaceLicenseType, OfferType, PreviewStatus, market_code,
};
use shared::reports::slicers::Slicers;
use shared::{ErrorCode, FieldError, Problem};

use crate::error::ApiError;
use crate::query::QueryParams;
use crate::reports::freshness;

/// The months a report period covers from its start month.
pub const PERIOD_MONTHS: i32 = 3;

/// Parses the five slicer parameters, collecting every unknown value of every slicer
/// into one problem that names each parameter and lists what it accepts.
pub fn slicers(params: &QueryParams) -> Result<Slicers, ApiError> {
    let mut errors = Vec::new();
    let mut slicers = Slicers {
        azure_license_type: enum_list(
            params,
            "azureLicenseType",
            AzureLicenseType::from_name,
            || names(AzureLicenseType::ALL.iter().map(|v| v.name())),
            &mut errors,
        ),
        marketplace_license_type: enum_list(
            params,
            "marketplaceLicenseType",
            MarketplaceLicenseType::from_name,
            || names(MarketplaceLicenseType::ALL.iter().map(|v| v.name())),
            &mut errors,
        ),
        market: enum_list(
            params,
            "market",
            |v| market_code(v).map(str::to_owned),
            || "ISO 3166-1 alpha-2 country codes such as US or DE".to_owned(),
            &mut errors,
        ),
        offer_type: enum_list(
            params,
            "offerType",
            OfferType::from_name,
            || names(OfferType::ALL.iter().map(|v| v.name())),
            &mut errors,
        ),
        preview_status: enum_list(
            params,
            "previewStatus",
            PreviewStatus::from_name,
            || "Preview, Live".to_owned(),
            &mut errors,
        ),
    };
    if !errors.is_empty() {
        let detail = errors
            .iter()
            .map(|e| format!("'{}': {}", e.field, e.reason))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(ApiError::Client(Box::new(
            Problem::new(
                ErrorCode::InvalidParameter,
                format!("Unknown slicer values: {detail}."),
            )
            .with_errors(errors),
        )));
    }
    slicers.azure_license_type.sort();
    slicers.azure_license_type.dedup();
    slicers.marketplace_license_type.sort();
    slicers.marketplace_license_type.dedup();
    slicers.market.sort();
    slicers.market.dedup();
    slicers.offer_type.sort();
    slicers.offer_type.dedup();
    slicers.preview_status.sort();
    slicers.preview_status.dedup();
    Ok(slicers)
}

fn names<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values.collect::<Vec<_>>().join(", ")
}

fn enum_list<T>(
    params: &QueryParams,
    name: &str,
    parse: impl Fn(&str) -> Option<T>,
    accepted: impl Fn() -> String,
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    let Some(raw) = params.get(name) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match parse(part) {
            Some(v) => values.push(v),
            None => errors.push(FieldError {
                field: name.to_owned(),
                line: None,
                reason: format!("'{part}' is not a known value; accepted: {}", accepted()),
            }),
        }
    }
    values
}

/// The condition a slicer selection puts on a table whose slicer columns have the
/// dictionary's names (facts and rollups alike). `market_column` names the market's
/// column (`customer_country` in every table that has one).
pub fn slicer_condition(slicers: &Slicers, columns: &SlicerColumns) -> Condition {
    let mut condition = Condition::all();
    if let Some(col) = columns.azure_license_type
        && !slicers.azure_license_type.is_empty()
    {
        condition = condition.add(
            Expr::col(Alias::new(col)).is_in(slicers.azure_license_type.iter().map(|v| v.name())),
        );
    }
    if let Some(col) = columns.marketplace_license_type
        && !slicers.marketplace_license_type.is_empty()
    {
        condition = condition.add(
            Expr::col(Alias::new(col))
                .is_in(slicers.marketplace_license_type.iter().map(|v| v.name())),
        );
    }
    if let Some(col) = columns.market
        && !slicers.market.is_empty()
    {
        condition = condition.add(Expr::col(Alias::new(col)).is_in(slicers.market.iter().cloned()));
    }
    if let Some(col) = columns.offer_type
        && !slicers.offer_type.is_empty()
    {
        condition = condition
            .add(Expr::col(Alias::new(col)).is_in(slicers.offer_type.iter().map(|v| v.name())));
    }
    if let Some(col) = columns.preview
        && !slicers.preview_status.is_empty()
        && slicers.preview_status.len() < PreviewStatus::ALL.len()
    {
        let preview = slicers.preview_status[0] == PreviewStatus::Preview;
        condition = condition.add(Expr::col(Alias::new(col)).eq(preview));
    }
    condition
}

/// Which column of a table each slicer filters (`None` where the table has no such
/// column, and the slicer is not offered there).
#[derive(Clone, Copy, Debug)]
pub struct SlicerColumns {
    /// Azure License Type.
    pub azure_license_type: Option<&'static str>,
    /// Marketplace License Type.
    pub marketplace_license_type: Option<&'static str>,
    /// Market.
    pub market: Option<&'static str>,
    /// Offer type.
    pub offer_type: Option<&'static str>,
    /// Preview status (a boolean `is_preview_sku`).
    pub preview: Option<&'static str>,
}

impl SlicerColumns {
    /// All five slicers, by their dictionary column names.
    pub const ALL: SlicerColumns = SlicerColumns {
        azure_license_type: Some("azure_license_type"),
        marketplace_license_type: Some("marketplace_license_type"),
        market: Some("customer_country"),
        offer_type: Some("offer_type"),
        preview: Some("is_preview_sku"),
    };
    /// The Customer page's two license-type slicers.
    pub const LICENSE_TYPES: SlicerColumns = SlicerColumns {
        azure_license_type: Some("azure_license_type"),
        marketplace_license_type: Some("marketplace_license_type"),
        market: None,
        offer_type: None,
        preview: None,
    };
    /// No slicers.
    pub const NONE: SlicerColumns = SlicerColumns {
        azure_license_type: None,
        marketplace_license_type: None,
        market: None,
        offer_type: None,
        preview: None,
    };

    /// The slicer parameters this table takes.
    pub fn parameters(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.azure_license_type.is_some() {
            names.push("azureLicenseType");
        }
        if self.marketplace_license_type.is_some() {
            names.push("marketplaceLicenseType");
        }
        if self.market.is_some() {
            names.push("market");
        }
        if self.offer_type.is_some() {
            names.push("offerType");
        }
        if self.preview.is_some() {
            names.push("previewStatus");
        }
        names
    }
}

/// A report period of [`PERIOD_MONTHS`] months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// The first month.
    pub start: Month,
    /// The last month.
    pub end: Month,
}

impl Period {
    /// The period from `start`.
    pub fn from_start(start: Month) -> Self {
        Period {
            start,
            end: start.plus_months(PERIOD_MONTHS - 1),
        }
    }

    /// The months of the period, oldest first.
    pub fn months(&self) -> Vec<Month> {
        self.start.through(self.end).collect()
    }

    /// The first day of the first month and the first day of the last month: the range
    /// of `MonthStartDate` values inside the period.
    pub fn month_starts(&self) -> (NaiveDate, NaiveDate) {
        (self.start.first_day(), self.end.first_day())
    }
}

/// The period a report covers and its dataset's `dataAsOf`: from `start` (the parsed
/// `start` parameter), or else the [`PERIOD_MONTHS`] months ending with the latest month holding data (the
/// current month when there is none).
pub async fn period<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    dataset: Dataset,
    start: Option<Month>,
) -> Result<(Period, Option<chrono::DateTime<Utc>>), ApiError> {
    let (data_as_of, latest) = freshness(db, publisher_id, dataset).await?;
    let start = start.unwrap_or_else(|| {
        let last = Month::of(latest.unwrap_or_else(|| Utc::now().date_naive()));
        last.plus_months(-(PERIOD_MONTHS - 1))
    });
    Ok((Period::from_start(start), data_as_of))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(e: ApiError) -> Problem {
        match e {
            ApiError::Client(p) => *p,
            other => panic!("expected a client error, got {other}"),
        }
    }

    #[test]
    fn slicer_values_parse_by_dictionary_name_and_dedupe() {
        let q = QueryParams::parse(
            "azureLicenseType=Enterprise,enterprise&market=us,DE&previewStatus=live",
            Slicers::PARAMETERS,
        )
        .unwrap();
        let s = slicers(&q).unwrap();
        assert_eq!(s.azure_license_type, vec![AzureLicenseType::Enterprise]);
        assert_eq!(s.market, vec!["DE".to_owned(), "US".to_owned()]);
        assert_eq!(s.preview_status, vec![PreviewStatus::Live]);
    }

    #[test]
    fn every_unknown_value_is_named_with_its_parameter() {
        let q =
            QueryParams::parse("market=US,XX&offerType=Saas,Game", Slicers::PARAMETERS).unwrap();
        let p = problem(slicers(&q).unwrap_err());
        assert_eq!(p.status, 400);
        let fields: Vec<_> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["market", "offerType"]);
        assert!(
            p.detail.contains("'XX'") && p.detail.contains("'Game'"),
            "{}",
            p.detail
        );
    }
}
