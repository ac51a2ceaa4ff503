//! What each dataset's grid is: table, key, period column, slicers, default sort.

use std::str::FromStr;
use std::sync::LazyLock;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, ColumnType as SqlType, Expr, Func, Value};
use sea_orm::{ColumnTrait, EntityTrait};
use shared::dictionary::{Column, Dataset};

use crate::db::entities::{customers, licenses, orders, payouts, usage};
use crate::db::migrations::m0005_report_sort_indexes as m0005;
use crate::db::migrations::m0008_usage_month_sort_indexes;
use crate::reports::filters::SlicerColumns;

/// A dictionary column with what the grid needs to know about its table column.
#[derive(Clone, Debug)]
pub struct GridColumn {
    /// The dictionary column.
    pub dictionary: &'static Column,
    /// The table column's name.
    pub db: String,
    /// The JSON field name.
    pub json: String,
    /// The table column's SQL type.
    pub sql: SqlType,
    /// Whether the table column allows null.
    pub nullable: bool,
}

/// Nulls sort as this date, before every real one, so that keyset paging can compare.
const NULL_DATE: Option<NaiveDate> = NaiveDate::from_ymd_opt(1, 1, 1);

impl GridColumn {
    /// The expression rows are ordered by (nullable dates through `COALESCE`).
    pub fn sort_expr(&self) -> Expr {
        let col = Expr::col(Alias::new(self.db.as_str()));
        if self.nullable && self.sql == SqlType::Date {
            Expr::expr(Func::coalesce([col, Expr::val(NULL_DATE)]))
        } else {
            col
        }
    }

    /// The sort value that stands for null.
    pub fn null_sort_value(&self) -> Value {
        match self.sql {
            SqlType::Date => Value::from(NULL_DATE),
            SqlType::BigInteger => Value::from(Option::<i64>::None),
            SqlType::Integer => Value::from(Option::<i32>::None),
            SqlType::Boolean => Value::from(Option::<bool>::None),
            _ => Value::from(Option::<String>::None),
        }
    }
}

/// How a grid's rows fall into its period.
#[derive(Clone, Copy, Debug)]
pub enum PeriodKind {
    /// The date column lies within the period's months.
    Months(&'static str),
    /// The row's span (`start` to `end`, null for open) overlaps the period's days.
    Span {
        /// The first day of the span.
        start: &'static str,
        /// The last day of the span; null while it lasts.
        end: &'static str,
    },
}

/// One dataset's grid.
#[derive(Debug)]
pub struct GridSpec {
    /// The dataset.
    pub dataset: Dataset,
    /// Its table.
    pub table: &'static str,
    /// The row's key after `publisher_id`: the tie-break of every sort.
    pub key: &'static [&'static str],
    /// Whether `(publisher_id, key...)` is the table's primary key, so that a sort on
    /// `key`'s first column walks it. Not Usage's since m0011 put the day first (its
    /// key is `(publisher_id, usage_date, marketplace_subscription_id, meter_id)`).
    pub key_is_primary: bool,
    /// How rows fall into the period.
    pub period: PeriodKind,
    /// Which slicers apply.
    pub slicers: SlicerColumns,
    /// The sort when none is asked for.
    pub default_sort: &'static str,
    /// Whether BYOL subscription IDs are hashed.
    pub byol: bool,
    /// Columns with a sort index `(publisher_id, column, key...)` (migration m0005), or
    /// `(publisher_id, month, column, key...)` with `month_sorts` (m0008):
    /// pages sorted on them are keyset range scans at any depth.
    pub sort_indexes: &'static [&'static str],
    /// The rollup whose slices partition the grid's rows, if any (see
    /// `GridRequest::plan`).
    pub slices: Option<&'static RollupSlices>,
    /// Name columns that a small table resolves to key columns (see
    /// `GridRequest::plan`).
    pub lookups: &'static [NameLookup],
    /// The month column that prefixes the sort indexes, if they are prefixed by month
    /// (`(publisher_id, month, column, key...)`, m0008): a page sorted on one merges
    /// the period's months (see `GridRequest::month_arms`).
    pub month_sorts: Option<&'static str>,
    columns: &'static LazyLock<Vec<GridColumn>>,
}

/// A rollup table with a row per month and combination of some of a grid's columns,
/// counting the grid's rows in it: every row of the grid falls in exactly one slice,
/// written in the same transaction as the row. What the slices a request's filters keep
/// hold tells, before reading any row, whether the request can match anything, and
/// where in a sort index its first row can be.
#[derive(Debug)]
pub struct RollupSlices {
    /// The rollup table.
    pub table: &'static str,
    /// Its month column: the grid's period column's month.
    pub month: &'static str,
    /// Its count of the slice's rows.
    pub rows: &'static str,
    /// The grid columns (database names) that are slice columns of the same name.
    pub columns: &'static [&'static str],
    /// Sort columns with bounds kept per slice: the grid column, the rollup's column of
    /// a value at least its largest, and of a value at most its smallest.
    pub bounds: &'static [(&'static str, &'static str, &'static str)],
}

/// A name column of a grid that a small table maps to the grid's key column for it:
/// every (key, name) pair of the grid's rows is in the table.
#[derive(Debug)]
pub struct NameLookup {
    /// The table, with `publisher_id`, the key column and the name column under the
    /// grid's names.
    pub table: &'static str,
    /// The key column (database name).
    pub key: &'static str,
    /// The name column (database name).
    pub name: &'static str,
    /// Whether to ask if the matching keys have names that do not match (if not, the
    /// keys imply the filter): true where that is a short read of the table by its
    /// keys. `customer_subscriptions` is indexed by subscription, not by customer: the
    /// question read all of a publisher's pairs (13 ms a page at 10M on PostgreSQL, for
    /// a filter that is cheap to test on the rows).
    pub check_implied: bool,
}

/// Offers' names (m0007), subscriptions' customers (m0011), customers' names and
/// companies (m0010), and plans (the store path adds each batch's).
static NAME_LOOKUPS: [NameLookup; 5] = [
    NameLookup {
        table: "offer_names",
        key: "offer_id",
        name: "offer_name",
        check_implied: true,
    },
    // A subscription's customers (m0011): usage has no index by subscription, and the
    // customer index reads the customers' rows of each month.
    NameLookup {
        table: "customer_subscriptions",
        key: "customer_id",
        name: "marketplace_subscription_id",
        check_implied: false,
    },
    NameLookup {
        table: "customer_names",
        key: "customer_id",
        name: "customer_name",
        check_implied: true,
    },
    NameLookup {
        table: "customer_names",
        key: "customer_id",
        name: "customer_company_name",
        check_implied: true,
    },
    NameLookup {
        table: "plans",
        key: "sku",
        name: "sku",
        check_implied: true,
    },
];

/// The usage rollup's slices (bounds from migration m0006).
static USAGE_SLICES: RollupSlices = RollupSlices {
    table: "rollup_usage",
    month: "month",
    rows: "row_count",
    columns: &[
        "offer_id",
        "sku",
        "offer_type",
        "azure_license_type",
        "marketplace_license_type",
        "customer_country",
        "is_preview_sku",
        "usage_type",
    ],
    bounds: &[(
        "normalized_usage",
        "max_normalized_usage",
        "min_normalized_usage",
    )],
};

impl GridSpec {
    /// The dataset's columns in dictionary (export) order.
    pub fn columns(&self) -> &'static [GridColumn] {
        self.columns.as_slice()
    }
}

fn columns_of<E: EntityTrait>(dataset: Dataset) -> Vec<GridColumn> {
    dataset
        .columns()
        .iter()
        .map(|c| {
            let db = c.db_name();
            let column = E::Column::from_str(&db).unwrap_or_else(|_| {
                panic!("dictionary column {} has no column in its table", c.name)
            });
            let def = column.def();
            GridColumn {
                dictionary: c,
                json: c.json_name(),
                sql: def.get_column_type().clone(),
                nullable: def.is_null(),
                db,
            }
        })
        .collect()
}

static ORDER_COLUMNS: LazyLock<Vec<GridColumn>> =
    LazyLock::new(|| columns_of::<orders::Entity>(Dataset::Orders));
static USAGE_COLUMNS: LazyLock<Vec<GridColumn>> =
    LazyLock::new(|| columns_of::<usage::Entity>(Dataset::Usage));
static CUSTOMER_COLUMNS: LazyLock<Vec<GridColumn>> =
    LazyLock::new(|| columns_of::<customers::Entity>(Dataset::Customers));
static PAYOUT_COLUMNS: LazyLock<Vec<GridColumn>> =
    LazyLock::new(|| columns_of::<payouts::Entity>(Dataset::Payouts));
static LICENSE_COLUMNS: LazyLock<Vec<GridColumn>> =
    LazyLock::new(|| columns_of::<licenses::Entity>(Dataset::Licenses));

/// The Orders grid: a row per order, newest month first.
pub static ORDERS: GridSpec = GridSpec {
    dataset: Dataset::Orders,
    table: "orders",
    key: &["order_id"],
    key_is_primary: true,
    period: PeriodKind::Months("month_start_date"),
    slicers: SlicerColumns::ALL,
    default_sort: "-MonthStartDate",
    byol: true,
    sort_indexes: m0005::ORDER_SORTS,
    slices: None,
    lookups: &NAME_LOOKUPS,
    month_sorts: None,
    columns: &ORDER_COLUMNS,
};

/// The Usage grid: a row per subscription, day and meter, newest day first.
pub static USAGE: GridSpec = GridSpec {
    dataset: Dataset::Usage,
    table: "usage",
    key: &["marketplace_subscription_id", "usage_date", "meter_id"],
    key_is_primary: false,
    period: PeriodKind::Months("usage_date"),
    slicers: SlicerColumns::ALL,
    default_sort: "-UsageDate",
    byol: true,
    sort_indexes: m0008_usage_month_sort_indexes::USAGE_SORTS,
    slices: Some(&USAGE_SLICES),
    lookups: &NAME_LOOKUPS,
    month_sorts: Some("month_start_date"),
    columns: &USAGE_COLUMNS,
};

/// The Customers grid: a row per customer and subscription, newest acquisition first.
pub static CUSTOMERS: GridSpec = GridSpec {
    dataset: Dataset::Customers,
    table: "customers",
    key: &["customer_id", "marketplace_subscription_id"],
    key_is_primary: true,
    period: PeriodKind::Span {
        start: "date_acquired",
        end: "date_lost",
    },
    slicers: SlicerColumns::LICENSE_TYPES,
    default_sort: "-DateAcquired",
    byol: true,
    sort_indexes: &[],
    slices: None,
    lookups: &[],
    month_sorts: None,
    columns: &CUSTOMER_COLUMNS,
};

/// The Payouts grid: a row per purchase-record line item, newest month first.
pub static PAYOUTS: GridSpec = GridSpec {
    dataset: Dataset::Payouts,
    table: "payouts",
    key: &["purchase_record_id", "line_item_id"],
    key_is_primary: true,
    period: PeriodKind::Months("month_start_date"),
    slicers: SlicerColumns {
        offer_type: Some("offer_type"),
        ..SlicerColumns::NONE
    },
    default_sort: "-MonthStartDate",
    byol: false,
    sort_indexes: &[],
    slices: None,
    lookups: &[],
    month_sorts: None,
    columns: &PAYOUT_COLUMNS,
};

/// The Licenses rows (the License dashboard's download).
pub static LICENSES: GridSpec = GridSpec {
    dataset: Dataset::Licenses,
    table: "licenses",
    key: &["month_start_date", "customer_id", "product_id", "plan_name"],
    key_is_primary: true,
    period: PeriodKind::Months("month_start_date"),
    slicers: SlicerColumns {
        offer_type: Some("offer_type"),
        ..SlicerColumns::NONE
    },
    default_sort: "-MonthStartDate",
    byol: false,
    sort_indexes: &[],
    slices: None,
    lookups: &[],
    month_sorts: None,
    columns: &LICENSE_COLUMNS,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The entity's primary key columns, in order.
    fn primary_key<E: sea_orm::EntityTrait>() -> Vec<String> {
        use sea_orm::{Iterable, PrimaryKeyToColumn};
        E::PrimaryKey::iter()
            .map(|k| sea_orm::IdenStatic::as_str(&k.into_column()).to_owned())
            .collect()
    }

    #[test]
    fn key_is_primary_says_whether_the_key_is_the_tables_primary_key() {
        use crate::db::entities::{customers, licenses, orders, payouts, usage};
        use crate::db::migrations::m0011_usage_time_key::TIME_KEY;
        let with_publisher = |spec: &GridSpec| -> Vec<String> {
            std::iter::once("publisher_id")
                .chain(spec.key.iter().copied())
                .map(str::to_owned)
                .collect()
        };
        for (spec, key) in [
            (&ORDERS, primary_key::<orders::Entity>()),
            (&CUSTOMERS, primary_key::<customers::Entity>()),
            (&PAYOUTS, primary_key::<payouts::Entity>()),
            (&LICENSES, primary_key::<licenses::Entity>()),
        ] {
            assert!(spec.key_is_primary, "{}", spec.table);
            assert_eq!(with_publisher(spec), key, "{}", spec.table);
        }
        // Usage's table key is m0011's, day first (the entity still lists m0001's).
        assert!(!USAGE.key_is_primary);
        assert_eq!(with_publisher(&USAGE), primary_key::<usage::Entity>());
        assert_ne!(with_publisher(&USAGE), TIME_KEY);
    }

    /// The OpenAPI row schemas declare null from the dictionary; the rows carry what the
    /// tables hold. The two must agree on every column of every grid.
    #[test]
    fn a_column_may_be_null_where_the_dictionary_says_so() {
        for spec in [&ORDERS, &USAGE, &CUSTOMERS, &PAYOUTS, &LICENSES] {
            for c in spec.columns() {
                assert_eq!(
                    c.nullable, c.dictionary.nullable,
                    "{}.{}: the table's column nullable={}",
                    spec.table, c.db, c.nullable
                );
            }
        }
    }

    #[test]
    fn every_grid_maps_every_dictionary_column_and_key() {
        for spec in [&ORDERS, &USAGE, &CUSTOMERS, &PAYOUTS, &LICENSES] {
            assert_eq!(spec.columns().len(), spec.dataset.columns().len());
            for key in spec.key {
                assert!(
                    spec.columns().iter().any(|c| c.db == *key),
                    "{} key {key} is not a dictionary column",
                    spec.table
                );
            }
            for column in spec.sort_indexes {
                assert!(
                    spec.columns()
                        .iter()
                        .any(|c| c.db == *column && !c.nullable),
                    "{} sort index on {column}: not a non-null grid column",
                    spec.table
                );
            }
            let sort = spec.default_sort.trim_start_matches('-');
            assert!(spec.dataset.column(sort).is_some(), "{}", spec.table);
        }
    }

    /// `GridRequest::plan` applies the slicers to the slices as they are, and a bound
    /// only to a sort column whose values it bounds.
    #[test]
    fn slices_hold_every_slicer_column_and_bound_grid_columns() {
        for spec in [&ORDERS, &USAGE, &CUSTOMERS, &PAYOUTS, &LICENSES] {
            let Some(slices) = spec.slices else { continue };
            let s = &spec.slicers;
            for column in [
                s.azure_license_type,
                s.marketplace_license_type,
                s.market,
                s.offer_type,
                s.preview,
            ]
            .into_iter()
            .flatten()
            {
                assert!(
                    slices.columns.contains(&column),
                    "{}: slicer column {column} is not a slice column",
                    spec.table
                );
            }
            for column in slices.columns {
                assert!(spec.columns().iter().any(|c| c.db == *column));
            }
            for (column, _, _) in slices.bounds {
                assert!(
                    spec.columns()
                        .iter()
                        .any(|c| c.db == *column && !c.nullable),
                    "{}: bounded {column} is not a non-null grid column",
                    spec.table
                );
            }
        }
    }
}
