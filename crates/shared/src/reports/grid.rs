//! Detail grids: one page of a dataset's rows, filtered, sorted and paged by cursor.
//!
//! Rows are keyed by the dictionary's camelCase column names, so every dataset's grid has
//! one shape and the browser renders any of them from the dictionary alone. The OpenAPI
//! schema of each dataset's row is generated from the same dictionary.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Month;
use crate::dictionary::ColumnType;
// Only the OpenAPI schemas of the rows name their dataset.
#[cfg(feature = "openapi")]
use crate::dictionary::Dataset;
use crate::reports::slicers::Slicers;

/// Page sizes a grid accepts: the app offers 10, 20 and 50; API callers may ask up to
/// [`MAX_PAGE_SIZE`].
pub const PAGE_SIZES: &[u32] = &[10, 20, 50];
/// The default page size.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The largest page an API caller may ask for.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// What a personal-data cell holds for a caller without the Customers permission.
pub const MASKED: &str = "***";

/// One cell of a grid row: on the wire a plain JSON `null`, boolean, number or string.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// No value.
    Null,
    /// True or false.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A decimal quantity (usage hours).
    Number(f64),
    /// Text, a date, a timestamp, an enumeration value, or money as a decimal string.
    Text(String),
}

/// Read by the JSON value's own type, as `#[serde(untagged)]` would (a whole number that
/// fits `i64` is an `Integer`, any other number a `Number`), but without untagged's
/// buffering and trying of each variant in turn, which was sizeable code in the browser
/// app's bundle and work for every cell of every page.
impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CellVisitor;

        impl serde::de::Visitor<'_> for CellVisitor {
            type Value = Cell;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("null, a boolean, a number or a string")
            }
            fn visit_unit<E>(self) -> Result<Cell, E> {
                Ok(Cell::Null)
            }
            fn visit_none<E>(self) -> Result<Cell, E> {
                Ok(Cell::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Cell, E> {
                Ok(Cell::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell::Integer(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Cell, E> {
                Ok(i64::try_from(v).map_or(Cell::Number(v as f64), Cell::Integer))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Cell, E> {
                Ok(Cell::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Cell, E> {
                Ok(Cell::Text(v))
            }
        }

        deserializer.deserialize_any(CellVisitor)
    }
}

impl Cell {
    /// The cell as text, taking it.
    pub fn into_text(self) -> String {
        match self {
            Cell::Text(t) => t,
            other => other.to_text(),
        }
    }

    /// The cell as text, the way CSV downloads write it.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Bool(b) => b.to_string(),
            Cell::Integer(i) => i.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Text(t) => t.clone(),
        }
    }
}

/// One row of a grid, keyed by camelCase column name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GridRow(pub BTreeMap<String, Cell>);

impl GridRow {
    /// The cell of the column with this camelCase name.
    pub fn get(&self, json_name: &str) -> Option<&Cell> {
        self.0.get(json_name)
    }

    /// The cell as text, empty when absent or null.
    pub fn text(&self, json_name: &str) -> String {
        self.get(json_name).map(Cell::to_text).unwrap_or_default()
    }
}

macro_rules! dataset_row {
    ($(#[$meta:meta])* $ty:ident => $dataset:expr) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $ty(pub GridRow);

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                row_schema($dataset)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $ty {}
    };
}

dataset_row!(
    /// One row of the Orders grid: an order of a subscription.
    OrderRow => Dataset::Orders
);
dataset_row!(
    /// One row of the Usage grid: a subscription's usage on one day and meter.
    UsageRow => Dataset::Usage
);
dataset_row!(
    /// One row of the Customers grid: a customer and one of its subscriptions.
    CustomerRow => Dataset::Customers
);
dataset_row!(
    /// One row of the Payouts grid: a purchase-record line item.
    PayoutRow => Dataset::Payouts
);
dataset_row!(
    /// One row of the Licenses download: a customer, product, plan and month.
    LicenseRow => Dataset::Licenses
);

/// The OpenAPI schema of a dataset's row, built from the dictionary.
#[cfg(feature = "openapi")]
pub fn row_schema(dataset: Dataset) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let mut object = ObjectBuilder::new().description(Some(format!(
        "{} Keys are the dictionary's column names in camelCase; personal-data columns \
         hold \"{MASKED}\" for callers without the Customers permission.",
        dataset.description()
    )));
    for column in dataset.columns() {
        let mut property = ObjectBuilder::new().description(Some(column.description));
        property = match column.kind {
            ColumnType::Integer => property.schema_type(Type::Integer),
            ColumnType::Decimal => property.schema_type(Type::Number),
            ColumnType::Boolean => property.schema_type(Type::Boolean),
            ColumnType::Date => property
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
            ColumnType::Timestamp => property
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
            ColumnType::Money => property
                .schema_type(Type::String)
                .pattern(Some(r"^-?\d+(\.\d+)?$"))
                .examples(["1234.50"]),
            ColumnType::Enumeration(e) => property
                .schema_type(Type::String)
                .enum_values(Some(e.values.iter().map(|v| v.name))),
            ColumnType::Text | ColumnType::Currency | ColumnType::Country => {
                property.schema_type(Type::String)
            }
        };
        if column.nullable {
            // The type this column has, or null: OpenAPI 3.1's `type: [T, "null"]`.
            let mut schema = property.build();
            if let utoipa::openapi::schema::SchemaType::Type(t) = schema.schema_type {
                schema.schema_type =
                    utoipa::openapi::schema::SchemaType::from_iter([t, Type::Null]);
            }
            // An enumeration's values must then admit null too.
            if let Some(values) = schema.enum_values.as_mut() {
                values.push(().into()); // JSON null
            }
            object = object.property(column.json_name(), schema);
        } else {
            object = object.property(column.json_name(), property);
        }
    }
    object.into()
}

/// A column-filter operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum FilterOp {
    /// Equal to the value.
    Eq,
    /// Not equal to the value.
    Ne,
    /// Text containing the value, without regard to case.
    Contains,
    /// Text not containing the value, without regard to case.
    NotContains,
    /// Text starting with the value, without regard to case.
    StartsWith,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Between two values, both included (`between:10,20`).
    Between,
    /// Any of a comma-separated list.
    In,
    /// A date before the value.
    Before,
    /// A date after the value.
    After,
}

impl FilterOp {
    /// Every operator.
    pub const ALL: &'static [FilterOp] = &[
        FilterOp::Eq,
        FilterOp::Ne,
        FilterOp::Contains,
        FilterOp::NotContains,
        FilterOp::StartsWith,
        FilterOp::Lt,
        FilterOp::Le,
        FilterOp::Gt,
        FilterOp::Ge,
        FilterOp::Between,
        FilterOp::In,
        FilterOp::Before,
        FilterOp::After,
    ];

    /// The operator's name in a `filter` parameter.
    pub const fn name(self) -> &'static str {
        match self {
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Contains => "contains",
            FilterOp::NotContains => "notContains",
            FilterOp::StartsWith => "startsWith",
            FilterOp::Lt => "lt",
            FilterOp::Le => "le",
            FilterOp::Gt => "gt",
            FilterOp::Ge => "ge",
            FilterOp::Between => "between",
            FilterOp::In => "in",
            FilterOp::Before => "before",
            FilterOp::After => "after",
        }
    }

    /// A label for the app's filter menus.
    pub const fn label(self) -> &'static str {
        match self {
            FilterOp::Eq => "equals",
            FilterOp::Ne => "does not equal",
            FilterOp::Contains => "contains",
            FilterOp::NotContains => "does not contain",
            FilterOp::StartsWith => "starts with",
            FilterOp::Lt => "<",
            FilterOp::Le => "≤",
            FilterOp::Gt => ">",
            FilterOp::Ge => "≥",
            FilterOp::Between => "between",
            FilterOp::In => "any of",
            FilterOp::Before => "before",
            FilterOp::After => "after",
        }
    }

    /// The operators that fit a column type: text gets text matching, numbers
    /// comparisons, dates before/after/between, enumerations "any of".
    pub fn for_type(kind: ColumnType) -> &'static [FilterOp] {
        use FilterOp::*;
        match kind {
            ColumnType::Text => &[Contains, Eq, StartsWith, NotContains, Ne, In],
            ColumnType::Integer | ColumnType::Decimal | ColumnType::Money => {
                &[Eq, Ne, Lt, Le, Gt, Ge, Between]
            }
            ColumnType::Date | ColumnType::Timestamp => &[Before, After, Between, Eq],
            ColumnType::Boolean => &[Eq],
            ColumnType::Currency | ColumnType::Country | ColumnType::Enumeration(_) => {
                &[In, Eq, Ne]
            }
        }
    }
}

impl fmt::Display for FilterOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FilterOp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|op| op.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("'{s}' is not a filter operator"))
    }
}

/// One column filter as the `filter` parameter carries it: `Column:op:value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnFilter {
    /// The dictionary (PascalCase) column name.
    pub column: String,
    /// The operator.
    pub op: FilterOp,
    /// The value; a comma-separated pair for `between`, a list for `in`.
    pub value: String,
}

impl fmt::Display for ColumnFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.column, self.op, self.value)
    }
}

/// The filters a grid page was computed with, echoed back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GridFilters {
    /// The first month of the period (Orders, Usage, Payouts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Month>,
    /// The last month of the period (Orders, Usage, Payouts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Month>,
    /// The first day of the period (Customers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<chrono::NaiveDate>,
    /// The last day of the period (Customers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<chrono::NaiveDate>,
    /// The slicer selection.
    pub slicers: Slicers,
    /// The column filters, each as `Column:op:value`, in canonical form.
    pub filter: Vec<String>,
    /// The sort: a column name, with a leading `-` for descending.
    pub sort: String,
    /// Rows per page.
    pub page_size: u32,
}

/// One page of a detail grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GridPage<R> {
    /// The effective filters.
    pub filters: GridFilters,
    /// When the dataset last changed for this publisher; `null` before any data.
    pub data_as_of: Option<DateTime<Utc>>,
    /// Whether personal-data columns are masked for this caller.
    pub masked: bool,
    /// The rows of this page.
    pub rows: Vec<R>,
    /// The cursor of the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// The number of rows matching the filters, when asked for with `total=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_integers_apart_from_decimals() {
        let row: GridRow =
            serde_json::from_str(r#"{"a":5,"b":5.5,"c":"x","d":null,"e":true}"#).unwrap();
        assert_eq!(row.get("a"), Some(&Cell::Integer(5)));
        assert_eq!(row.get("b"), Some(&Cell::Number(5.5)));
        assert_eq!(row.text("c"), "x");
        assert_eq!(row.get("d"), Some(&Cell::Null));
        assert_eq!(row.text("e"), "true");
        // Past i64, a whole number is still a number; a list or an object is no cell.
        let big: Cell = serde_json::from_str("18446744073709551615").unwrap();
        assert_eq!(big, Cell::Number(18446744073709551615.0));
        assert!(serde_json::from_str::<Cell>("[1]").is_err());
        assert!(serde_json::from_str::<Cell>(r#"{"a":1}"#).is_err());
        // What the server writes reads back the same.
        for cell in [
            Cell::Null,
            Cell::Bool(false),
            Cell::Integer(-7),
            Cell::Number(0.25),
            Cell::Text("2025-01-31".into()),
        ] {
            let json = serde_json::to_string(&cell).unwrap();
            assert_eq!(serde_json::from_str::<Cell>(&json).unwrap(), cell, "{json}");
        }
    }

    #[test]
    fn every_column_type_has_operators_that_parse_back() {
        for op in FilterOp::ALL {
            assert_eq!(op.name().parse::<FilterOp>(), Ok(*op));
        }
        assert_eq!(FilterOp::for_type(ColumnType::Boolean), &[FilterOp::Eq]);
    }
}
