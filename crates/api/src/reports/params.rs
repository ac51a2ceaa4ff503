//! The documented query parameters of the reports, shared by their OpenAPI operations.
//! Parsing happens in `filters` and `grid` (strictly: unknown names and values are 400s);
//! these structs only describe the parameters to the spec.
#![allow(dead_code)]

use serde::Deserialize;
use shared::dictionary::{
    AzureLicenseType, Dataset, MarketplaceLicenseType, OfferType, PreviewStatus,
};
use shared::reports::activity::{SubjectArea, UsageMeasure};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, Required};

/// The period of an Orders, Usage or Payouts report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct PeriodParams {
    /// The first of the three months (`YYYY-MM`). Without it, the three months ending
    /// with the latest month that has data.
    #[param(value_type = Option<shared::Month>, example = "2026-07")]
    start: Option<String>,
}

/// The five slicers, each a list of dictionary values, repeated (`market=US&market=DE`)
/// or comma-separated (`market=US,DE`); absent means all.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct SlicerParams {
    /// Azure License Types, repeated or comma-separated.
    #[param(value_type = Option<Vec<AzureLicenseType>>, style = Form,
        example = json!(["Enterprise", "Pay as You Go"]))]
    azure_license_type: Option<String>,
    /// Marketplace License Types, repeated or comma-separated.
    #[param(value_type = Option<Vec<MarketplaceLicenseType>>, style = Form,
        example = json!(["Billed Through Azure"]))]
    marketplace_license_type: Option<String>,
    /// Markets as ISO 3166-1 alpha-2 codes, repeated or comma-separated.
    #[param(value_type = Option<Vec<CountryCode>>, style = Form, example = json!(["US", "DE"]))]
    market: Option<String>,
    /// Offer types, repeated or comma-separated.
    #[param(value_type = Option<Vec<OfferType>>, style = Form, example = json!(["SaaS"]))]
    offer_type: Option<String>,
    /// `Preview`, `Live`, or both, repeated or comma-separated.
    #[param(value_type = Option<Vec<PreviewStatus>>, style = Form, example = json!(["Live"]))]
    preview_status: Option<String>,
}

/// An ISO 3166-1 alpha-2 country or region code.
pub struct CountryCode;

impl utoipa::PartialSchema for CountryCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(
                shared::countries::COUNTRIES.iter().map(|(code, _)| *code),
            ))
            .description(Some("An ISO 3166-1 alpha-2 country or region code."))
            .into()
    }
}

impl utoipa::ToSchema for CountryCode {}

/// The Usage reports' measure.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureParams {
    /// `normalized` (core hours, the default) or `raw` (VM hours).
    #[param(value_type = Option<UsageMeasure>, example = "normalized")]
    measure: Option<String>,
}

/// The trend view's subject areas and top-N.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendParams {
    /// Subject areas, repeated or comma-separated. Default: all.
    #[param(value_type = Option<Vec<SubjectArea>>, style = Form,
        example = json!(["market", "offerType"]))]
    subject: Option<String>,
    /// `10` (the default; the rest summed as one "Other" series), any number from 1 to
    /// 100, or `all`.
    #[param(example = "10", pattern = r"^(all|[1-9]\d?|100)$")]
    top: Option<String>,
}

/// A detail grid's paging and download format; its `filter` and `sort` are the
/// dataset's own ([`GridColumnParams`]).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct GridParams {
    /// Rows per page: 1 to 1000 (the app offers 10, 20 and 50). Default 20.
    #[param(example = 50, minimum = 1, maximum = 1000)]
    page_size: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
    /// `true` to count every matching row into `total`.
    total: Option<bool>,
    /// `json` (a page, the default), or a download of every matching row: `csv` or
    /// `xlsx`. `Accept: text/csv` or the spreadsheet media type does the same.
    #[param(value_type = Option<crate::reports::grid::Format>, example = "csv")]
    format: Option<String>,
}

/// A grid's `filter` and `sort` parameters, from the dataset's dictionary columns: the
/// sort is one of them (with `-` for descending), a filter names one of them.
pub struct GridColumnParams<const D: u8>;

/// The dataset of a [`GridColumnParams`] tag.
const fn grid_dataset(tag: u8) -> Dataset {
    match tag {
        0 => Dataset::Orders,
        1 => Dataset::Usage,
        2 => Dataset::Customers,
        3 => Dataset::Payouts,
        _ => Dataset::Licenses,
    }
}

/// The Orders grid's columns.
pub type OrderColumnParams = GridColumnParams<0>;
/// The Usage grid's columns.
pub type UsageColumnParams = GridColumnParams<1>;
/// The Customers grid's columns.
pub type CustomerColumnParams = GridColumnParams<2>;
/// The Payouts grid's columns.
pub type PayoutColumnParams = GridColumnParams<3>;
/// The Licenses grid's columns.
pub type LicenseColumnParams = GridColumnParams<4>;

impl<const D: u8> IntoParams for GridColumnParams<D> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let dataset = grid_dataset(D);
        let names: Vec<&str> = dataset.columns().iter().map(|c| c.name).collect();
        let sorts: Vec<String> = names
            .iter()
            .flat_map(|n| [n.to_string(), format!("-{n}")])
            .collect();
        let (filter_example, sort_example) = match dataset {
            Dataset::Orders => (
                vec!["OfferType:in:SaaS,Container", "OrderQuantity:ge:5"],
                "-OrderPurchaseDate",
            ),
            Dataset::Usage => (
                vec!["CustomerCountry:in:US,DE", "NormalizedUsage:gt:100"],
                "-NormalizedUsage",
            ),
            Dataset::Customers => (
                vec![
                    "CustomerCountryRegion:eq:DE",
                    "DateAcquired:after:2026-01-01",
                ],
                "-DateAcquired",
            ),
            Dataset::Payouts => (
                vec!["OfferType:in:SaaS", "PayoutStatus:eq:Sent"],
                "-EarningAmountUSD",
            ),
            Dataset::Licenses => (
                vec!["CustomerCountryCode:in:US,DE", "LicensesAssigned:ge:10"],
                "-MonthStartDate",
            ),
        };
        let filter = ParameterBuilder::new()
            .name("filter")
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(format!(
                "A column filter `Column:operator:value`, repeatable; a row must pass every \
                 one. Columns: {}. Operators fit the column's type: text `contains`, \
                 `notContains`, `startsWith`, `eq`, `ne`, `in`; numbers and money `eq`, `ne`, \
                 `lt`, `le`, `gt`, `ge`, `between` (`between:10,20`); dates `before`, `after`, \
                 `between`, `eq`; enumerations, countries and currencies `in`, `eq`, `ne`.",
                names.join(", ")
            )))
            .schema(Some(
                ArrayBuilder::new().items(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some(format!("^({}):[A-Za-z]+:.*$", names.join("|")))),
                ),
            ))
            .style(Some(ParameterStyle::Form))
            .explode(Some(true))
            .example(Some(serde_json::json!(filter_example)))
            .build();
        let sort = ParameterBuilder::new()
            .name("sort")
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(
                "The sort column, with a leading `-` for descending; rows with the same value \
                 follow the grid's key.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(sorts)),
            ))
            .example(Some(serde_json::json!(sort_example)))
            .build();
        vec![filter, sort]
    }
}

/// The Customer page's period: two dates.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaySpanParams {
    /// The first day (`YYYY-MM-DD`). Default: a year before `to`.
    #[param(value_type = Option<chrono::NaiveDate>, example = "2026-01-01")]
    from: Option<String>,
    /// The last day (`YYYY-MM-DD`). Default: the latest day with data.
    #[param(value_type = Option<chrono::NaiveDate>, example = "2026-09-30")]
    to: Option<String>,
}

/// The Customer page's two slicers.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LicenseTypeParams {
    /// Azure License Types, repeated or comma-separated.
    #[param(value_type = Option<Vec<AzureLicenseType>>, style = Form,
        example = json!(["Enterprise"]))]
    azure_license_type: Option<String>,
    /// Marketplace License Types, repeated or comma-separated.
    #[param(value_type = Option<Vec<MarketplaceLicenseType>>, style = Form,
        example = json!(["Billed Through Azure"]))]
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
