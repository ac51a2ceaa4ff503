//! The documented query parameters of the reports, shared by their OpenAPI operations.
//! Parsing happens in `filters` and `grid` (strictly: unknown names and values are 400s);
//! these structs only describe the parameters to the spec.
#![allow(dead_code)]

use serde::Deserialize;
use utoipa::IntoParams;

/// The period of an Orders, Usage or Payouts report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct PeriodParams {
    /// The first of the three months (`YYYY-MM`). Without it, the three months ending
    /// with the latest month that has data.
    #[param(example = "2026-07", pattern = r"^\d{4}-(0[1-9]|1[0-2])$")]
    start: Option<String>,
}

/// The five slicers, each a comma-separated list of dictionary values; absent means all.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct SlicerParams {
    /// Azure License Types: `Cloud Solution Provider`, `Enterprise`, `Enterprise through
    /// Reseller`, `Pay as You Go`.
    #[param(example = "Enterprise,Pay as You Go")]
    azure_license_type: Option<String>,
    /// Marketplace License Types: `Billed Through Azure`, `Bring Your Own License`,
    /// `Free`, `Microsoft as Reseller`.
    #[param(example = "Billed Through Azure")]
    marketplace_license_type: Option<String>,
    /// Markets as ISO 3166-1 alpha-2 codes.
    #[param(example = "US,DE")]
    market: Option<String>,
    /// Offer types: `Virtual Machine`, `SaaS`, `Azure Application`, `Container`,
    /// `Dynamics 365 App`, `Power BI App`.
    #[param(example = "SaaS")]
    offer_type: Option<String>,
    /// `Preview`, `Live`, or both.
    #[param(example = "Live")]
    preview_status: Option<String>,
}

/// The Usage reports' measure.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureParams {
    /// `normalized` (core hours, the default) or `raw` (VM hours).
    #[param(example = "normalized")]
    measure: Option<String>,
}

/// The trend view's subject areas and top-N.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendParams {
    /// Comma-separated subject areas: `channel`, `market`, `offerType`, `offer`,
    /// `azureLicenseType`, `marketplaceLicenseType`, `previewStatus`. Default: all.
    #[param(example = "market,offerType")]
    subject: Option<String>,
    /// `10` (the default; the rest summed as one "Other" series), any number from 1 to
    /// 100, or `all`.
    #[param(example = "10")]
    top: Option<String>,
}

/// A detail grid's filters, sort, paging and download format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct GridParams {
    /// A column filter `Column:operator:value`, repeatable. Operators fit the column's
    /// type: text `contains`, `notContains`, `startsWith`, `eq`, `ne`, `in`; numbers and
    /// money `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `between` (`between:10,20`); dates
    /// `before`, `after`, `between`, `eq`; enumerations, countries and currencies `in`,
    /// `eq`, `ne`. Column names are the dictionary's (PascalCase).
    #[param(example = json!(["OfferType:in:SaaS,Container", "OrderQuantity:ge:5"]))]
    filter: Option<Vec<String>>,
    /// The sort column, with a leading `-` for descending.
    #[param(example = "-OrderPurchaseDate")]
    sort: Option<String>,
    /// Rows per page: 1 to 1000 (the app offers 10, 20 and 50). Default 20.
    #[param(example = 50, minimum = 1, maximum = 1000)]
    page_size: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
    /// `true` to count every matching row into `total`.
    total: Option<bool>,
    /// `json` (a page, the default), or a download of every matching row: `csv` or
    /// `xlsx`. `Accept: text/csv` or the spreadsheet media type does the same.
    #[param(example = "csv")]
    format: Option<String>,
}

/// The Customer page's period: two dates.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaySpanParams {
    /// The first day (`YYYY-MM-DD`). Default: a year before `to`.
    #[param(example = "2026-01-01")]
    from: Option<String>,
    /// The last day (`YYYY-MM-DD`). Default: the latest day with data.
    #[param(example = "2026-09-30")]
    to: Option<String>,
}

/// The Customer page's two slicers.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LicenseTypeParams {
    /// Azure License Types, comma-separated.
    #[param(example = "Enterprise")]
    azure_license_type: Option<String>,
    /// Marketplace License Types, comma-separated.
    #[param(example = "Billed Through Azure")]
    marketplace_license_type: Option<String>,
}

/// An Excel workbook (`.xlsx`) download.
pub struct SpreadsheetFile;

impl utoipa::PartialSchema for SpreadsheetFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some(
                "An Excel workbook: a header row of dictionary column names, then one row per \
                 record, a new sheet every 1,048,575 rows.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for SpreadsheetFile {}
