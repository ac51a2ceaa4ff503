//! Detail grids of every dataset: column filters, sort on any column, keyset paging by
//! an opaque cursor, personal-data masking, BYOL subscription hashing, and the streamed
//! CSV and Excel downloads of the whole filtered result.
//!
//! One engine serves every dataset; a [`GridSpec`] says what differs (table, key,
//! period column, slicers, default sort).

pub mod cursor;
pub mod export;
pub mod fast;
pub mod spec;

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{
    Alias, BinOper, ColumnType as SqlType, Condition, Expr, ExprTrait, Func, LikeExpr, Order,
    Query, SelectStatement, UnionType, Value,
};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};
use shared::auth::Permission;
use shared::dictionary::{ColumnType, MarketplaceLicenseType};
use shared::reports::grid::{
    Cell, DEFAULT_PAGE_SIZE, FilterOp, GridFilters, GridRow, MASKED, MAX_PAGE_SIZE,
};
use shared::reports::slicers::Slicers;
use shared::reports::{decimal_string, units};
use shared::{ErrorCode, FieldError, Month, Problem};

use crate::error::ApiError;
use crate::ingest::convert;
use crate::query::QueryParams;
use crate::reports::filters::{self, Period, slicer_condition};
use crate::reports::keys::ReportKeys;
pub use spec::{GridColumn, GridSpec, PeriodKind};

/// Rows of the period a filtered page sorted on an indexed column reads in sort order
/// before it gives up on the index (see `GridRequest::budgeted_page_query`).
const SORT_SCAN_BUDGET: u64 = 4_096;

/// The query parameters every grid takes besides its period and slicers.
pub const GRID_PARAMETERS: &[&str] = &["filter", "sort", "pageSize", "cursor", "total", "format"];

/// What a grid request asks for (its `format` parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = GridFormat)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One page as JSON.
    Json,
    /// Every matching row as CSV.
    Csv,
    /// Every matching row as an Excel workbook.
    Xlsx,
}

/// The media type of Excel workbooks.
pub const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The period a grid covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Months (Orders, Usage, Payouts).
    Months(Period),
    /// A span of days (Customers).
    Days(NaiveDate, NaiveDate),
    /// Everything (a customer's own rows).
    All,
}

/// One parsed column filter.
#[derive(Clone, Debug)]
struct Filter {
    column: &'static GridColumn,
    op: FilterOp,
    values: Vec<Value>,
    canonical: String,
}

/// A fully checked grid request.
#[derive(Clone, Debug)]
pub struct GridRequest {
    /// The grid.
    pub spec: &'static GridSpec,
    /// The caller's publisher.
    pub publisher_id: i64,
    /// The period.
    pub scope: Scope,
    /// The slicers.
    pub slicers: Slicers,
    filters: Vec<Filter>,
    /// Extra conditions the server adds (a customer's own rows).
    fixed: Vec<(&'static str, String)>,
    /// Extra conditions the server adds: the column is one of the values (a page's
    /// filters, such as the License dashboard's).
    fixed_any: Vec<(&'static str, Vec<String>)>,
    sort: &'static GridColumn,
    descending: bool,
    /// Rows per page.
    pub page_size: u32,
    after: Option<Vec<Value>>,
    /// Whether the total count was asked for.
    pub want_total: bool,
    /// JSON page, CSV or Excel.
    pub format: Format,
    /// Whether personal data is masked for the caller.
    pub masked: bool,
    keys: ReportKeys,
    /// What the rollup's slices told [`GridRequest::plan`].
    slices: SliceFacts,
    /// Key columns with the values [`GridRequest::plan`] resolved name filters to (see
    /// `GridSpec::lookups`): every matching row has one of them. Not in the
    /// fingerprint: they follow from the filters.
    resolved: Vec<(&'static str, Vec<String>)>,
    /// Filters (by index in `filters`) that their resolved keys imply: every name the
    /// keys have matches, so rows are not tested again (see `resolve_lookups`).
    implied: Vec<usize>,
    /// The database the request's statements are for: text filters are written for its
    /// `LIKE` ([`filter_condition`]).
    backend: DbBackend,
}

/// The most keys a name filter is resolved to (see `GridRequest::plan`).
const MAX_RESOLVED_KEYS: u64 = 500;

/// What the rollup slices the request's filters keep tell about its rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct SliceFacts {
    /// No row can match: the kept slices hold none.
    empty: bool,
    /// A value the sort column's first row in sort order is at most (descending) or at
    /// least (ascending) from: the kept slices' bound.
    sort_bound: Option<i64>,
}

/// Parses and checks a grid request. `accept` is the request's `Accept` header, which
/// selects a download when `format` is absent.
#[allow(clippy::too_many_arguments)]
pub fn parse(
    spec: &'static GridSpec,
    publisher_id: i64,
    scope: Scope,
    params: &QueryParams,
    accept: Option<&str>,
    permissions: &[Permission],
    keys: &ReportKeys,
    backend: DbBackend,
) -> Result<GridRequest, ApiError> {
    let masked = !permissions.contains(&Permission::Customers);
    let slicers = filters::slicers(params)?;
    let columns = spec.columns();

    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for raw in params.all("filter") {
        match parse_filter(columns, raw, masked) {
            Ok(f) => parsed.push(f),
            Err(reason) => errors.push(FieldError {
                field: "filter".to_owned(),
                line: None,
                reason: format!("'{raw}': {reason}"),
            }),
        }
    }
    if !errors.is_empty() {
        let detail = errors
            .iter()
            .map(|e| e.reason.clone())
            .collect::<Vec<_>>()
            .join("; ");
        let code = if errors
            .iter()
            .any(|e| e.reason.contains("Customers permission"))
        {
            ErrorCode::Forbidden
        } else {
            ErrorCode::InvalidParameter
        };
        return Err(ApiError::Client(Box::new(
            Problem::new(code, format!("Parameter 'filter': {detail}")).with_errors(errors),
        )));
    }

    let sort_text = params.get("sort").unwrap_or(spec.default_sort);
    let (descending, sort_name) = match sort_text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sort_text.strip_prefix('+').unwrap_or(sort_text)),
    };
    let sort = find_column(columns, sort_name).ok_or_else(|| {
        ApiError::invalid_parameter(
            "sort",
            format!(
                "'{sort_name}' is not a column of {}; use a dictionary column name, with a \
                 leading '-' for descending",
                spec.dataset.name()
            ),
        )
    })?;
    if sort.dictionary.pii && masked {
        return Err(ApiError::Client(Box::new(
            Problem::new(
                ErrorCode::Forbidden,
                format!(
                    "Parameter 'sort': sorting on {} needs the Customers permission.",
                    sort.dictionary.name
                ),
            )
            .with_errors(vec![FieldError {
                field: "sort".to_owned(),
                line: None,
                reason: "personal data needs the Customers permission".to_owned(),
            }]),
        )));
    }

    let page_size = match params.get("pageSize") {
        None => DEFAULT_PAGE_SIZE,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid_parameter(
                    "pageSize",
                    format!(
                        "'{v}' is not a page size; use a number from 1 to {MAX_PAGE_SIZE} (the app offers 10, 20 and 50)"
                    ),
                ));
            }
        },
    };
    let want_total = match params.get("total") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(v) => {
            return Err(ApiError::invalid_parameter(
                "total",
                format!("'{v}' is not true or false"),
            ));
        }
    };
    let format = match params.get("format") {
        Some(v) if v.eq_ignore_ascii_case("json") => Format::Json,
        Some(v) if v.eq_ignore_ascii_case("csv") => Format::Csv,
        Some(v) if v.eq_ignore_ascii_case("xlsx") => Format::Xlsx,
        Some(v) => {
            return Err(ApiError::invalid_parameter(
                "format",
                format!("'{v}' is not a format; use json, csv or xlsx"),
            ));
        }
        None => match accept {
            Some(a) if a.contains("text/csv") => Format::Csv,
            Some(a) if a.contains(XLSX_MEDIA_TYPE) => Format::Xlsx,
            _ => Format::Json,
        },
    };

    let mut request = GridRequest {
        spec,
        publisher_id,
        scope,
        slicers,
        filters: parsed,
        fixed: Vec::new(),
        fixed_any: Vec::new(),
        sort,
        descending,
        page_size,
        after: None,
        want_total,
        format,
        masked,
        keys: keys.clone(),
        slices: SliceFacts::default(),
        resolved: Vec::new(),
        implied: Vec::new(),
        backend,
    };
    if let Some(cursor) = params.get("cursor") {
        let values = cursor::open(keys, cursor, publisher_id, &request.fingerprint())
            .map_err(|reason| ApiError::invalid_parameter("cursor", reason))?;
        request.after = Some(request.cursor_values(values)?);
    }
    Ok(request)
}

fn find_column(columns: &'static [GridColumn], name: &str) -> Option<&'static GridColumn> {
    columns
        .iter()
        .find(|c| c.dictionary.name.eq_ignore_ascii_case(name.trim()))
}

fn parse_filter(columns: &'static [GridColumn], raw: &str, masked: bool) -> Result<Filter, String> {
    let mut parts = raw.splitn(3, ':');
    let (Some(name), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("a filter is Column:operator:value, for example OfferType:in:SaaS".to_owned());
    };
    let column = find_column(columns, name).ok_or_else(|| format!("'{name}' is not a column"))?;
    let op = FilterOp::from_str(op)?;
    let allowed = FilterOp::for_type(column.dictionary.kind);
    if !allowed.contains(&op) {
        return Err(format!(
            "'{op}' does not apply to {} ({}); use one of {}",
            column.dictionary.name,
            column.dictionary.kind.label(),
            allowed
                .iter()
                .map(|o| o.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if column.dictionary.pii && masked {
        return Err(format!(
            "filtering on {} needs the Customers permission",
            column.dictionary.name
        ));
    }
    let texts: Vec<&str> = match op {
        FilterOp::Between => {
            let pair: Vec<&str> = value.split(',').map(str::trim).collect();
            if pair.len() != 2 {
                return Err("'between' takes two values separated by a comma".to_owned());
            }
            pair
        }
        FilterOp::In => value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect(),
        _ => vec![value],
    };
    if texts.is_empty() {
        return Err("'in' takes at least one value".to_owned());
    }
    let text_op = matches!(
        op,
        FilterOp::Contains | FilterOp::NotContains | FilterOp::StartsWith
    );
    let values = texts
        .iter()
        .map(|t| {
            if text_op {
                Ok(Value::from(t.to_lowercase()))
            } else {
                filter_value(column, t)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let canonical = format!(
        "{}:{}:{}",
        column.dictionary.name,
        op.name(),
        texts.join(",")
    );
    Ok(Filter {
        column,
        op,
        values,
        canonical,
    })
}

fn filter_value(column: &GridColumn, text: &str) -> Result<Value, String> {
    if column.dictionary.kind == ColumnType::Timestamp
        && let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
    {
        let start = day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        return start
            .map(Value::from)
            .ok_or_else(|| format!("'{text}' is not a date"));
    }
    convert::value(column.dictionary, &column.sql, Some(text), false)
}

impl GridRequest {
    /// Restricts the grid to rows whose `column` equals `value` (a customer's own rows).
    pub fn with_fixed(mut self, column: &'static str, value: String) -> Self {
        self.fixed.push((column, value));
        self
    }

    /// Restricts the grid to rows whose `column` is one of `values`.
    pub fn with_any(mut self, column: &'static str, values: Vec<String>) -> Self {
        self.fixed_any.push((column, values));
        self
    }

    /// A digest of everything that decides the row order and set: a cursor is only
    /// valid for the query that made it.
    fn fingerprint(&self) -> String {
        let mut text = format!(
            "{}|{:?}|{:?}|{}{}",
            self.spec.dataset.slug(),
            self.scope,
            self.slicers.query_pairs(),
            if self.descending { "-" } else { "" },
            self.sort.dictionary.name
        );
        for f in &self.filters {
            text.push('|');
            text.push_str(&f.canonical);
        }
        for (c, v) in &self.fixed {
            text.push_str(&format!("|{c}={v}"));
        }
        for (c, v) in &self.fixed_any {
            text.push_str(&format!("|{c}~{v:?}"));
        }
        text
    }

    /// The echo of the effective filters.
    pub fn echo(&self) -> GridFilters {
        let (start, end, from, to) = match self.scope {
            Scope::Months(p) => (Some(p.start), Some(p.end), None, None),
            Scope::Days(f, t) => (None, None, Some(f), Some(t)),
            Scope::All => (None, None, None, None),
        };
        GridFilters {
            start,
            end,
            from,
            to,
            slicers: self.slicers.clone(),
            filter: self.filters.iter().map(|f| f.canonical.clone()).collect(),
            sort: format!(
                "{}{}",
                if self.descending { "-" } else { "" },
                self.sort.dictionary.name
            ),
            page_size: self.page_size,
        }
    }

    /// Consults the grid's rollup slices (`GridSpec::slices`) before any row is read,
    /// when the request narrows on slice columns (slicers, or filters on those
    /// columns): whether any row can match, and, for a sort column the slices keep
    /// bounds of, where in its index the first matching row can be.
    ///
    /// The bound is what makes a filter that works against the sort cheap: SaaS rows
    /// have zero hours, so sorted by hours descending they come after every other row,
    /// and the sort index's walk stepped over millions of entries (or the period was
    /// sorted) before the first page. With the kept slices' largest value (0), the walk
    /// starts at the rows that can match. The conditions it adds hold for every
    /// matching row, so they never change an answer, only how much is read.
    pub async fn plan<C: ConnectionTrait>(mut self, db: &C) -> Result<Self, ApiError> {
        self.resolve_lookups(db).await?;
        if self.slices.empty {
            return Ok(self);
        }
        let Some(slices) = self.spec.slices else {
            return Ok(self);
        };
        let Scope::Months(period) = self.scope else {
            return Ok(self);
        };
        let mut cond = Condition::all()
            .add(Expr::col(Alias::new("publisher_id")).eq(self.publisher_id))
            .add(
                Expr::col(Alias::new(slices.month))
                    .between(period.start.first_day(), period.end.first_day()),
            );
        let mut kept = false;
        if self.slicers != Slicers::default() {
            // Every slicer column of a grid with slices is a slice column (a unit test
            // of `spec` checks it).
            cond = cond.add(slicer_condition(&self.slicers, &self.spec.slicers));
            kept = true;
        }
        for f in &self.filters {
            if slices.columns.contains(&f.column.db.as_str()) {
                cond = cond.add(filter_condition(f, self.backend));
                kept = true;
            }
        }
        for (c, v) in &self.fixed {
            if slices.columns.contains(c) {
                cond = cond.add(Expr::col(Alias::new(*c)).eq(v.clone()));
                kept = true;
            }
        }
        for (c, v) in self.fixed_any.iter().chain(&self.resolved) {
            if slices.columns.contains(c) {
                cond = cond.add(Expr::col(Alias::new(*c)).is_in(v.iter().cloned()));
                kept = true;
            }
        }
        if !kept {
            return Ok(self);
        }
        let bound = slices
            .bounds
            .iter()
            .find(|(column, _, _)| *column == self.sort.db.as_str());
        let mut q = Query::select();
        q.from(Alias::new(slices.table))
            .expr(Expr::cust(format!(
                "CAST(COALESCE(SUM(\"{}\"), 0) AS BIGINT)",
                slices.rows
            )))
            .cond_where(cond);
        if let Some((_, max, min)) = bound {
            let (agg, column) = if self.descending {
                ("MAX", max)
            } else {
                ("MIN", min)
            };
            q.expr(Expr::cust(format!("{agg}(\"{column}\")")));
            // A slice without known bounds (NULL, or only the placeholders of a batch
            // that removed rows from it) leaves the sort unbounded.
            q.expr(Expr::cust(format!(
                "CAST(COALESCE(SUM(CASE WHEN \"{max}\" IS NULL OR \"{min}\" IS NULL \
                 OR \"{max}\" < \"{min}\" THEN 1 ELSE 0 END), 0) AS BIGINT)"
            )));
        }
        let Some(row) = db.query_one(&q).await? else {
            return Ok(self);
        };
        let rows: i64 = row.try_get_by_index(0)?;
        self.slices.empty = rows <= 0;
        if bound.is_some() && !self.slices.empty {
            let value: Option<i64> = row.try_get_by_index(1)?;
            let unknown: i64 = row.try_get_by_index(2)?;
            if unknown == 0 {
                self.slices.sort_bound = value;
            }
        }
        Ok(self)
    }

    /// Resolves each filter that keeps rows by a name column of `GridSpec::lookups`
    /// (equals, one of, contains, starts with) to the keys with a matching name, read
    /// from the lookup's small table: "OfferName contains cloud" becomes "OfferId is
    /// one of the offers a name of which contains cloud", which the rows' indexes and
    /// the rollup slices answer, where the text filter alone tests every row of the
    /// period (1.6 s at ten million rows, for a word no offer has). The filter itself
    /// stays for keys that have other names too; when every name of the matching keys
    /// matches, the keys imply it and rows are not tested again. That matters on
    /// PostgreSQL, whose planner multiplies the two conditions' selectivities as if they
    /// were independent: "OfferName contains gateway" (one offer, 950,051 of the
    /// period's rows at 10M) was estimated at 120 rows and read by a scan of the whole
    /// table, 1.1-1.6 s, instead of the key's walk. No matching key: no row can match.
    async fn resolve_lookups<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), ApiError> {
        for lookup in self.spec.lookups {
            for (index, f) in self.filters.iter().enumerate() {
                if f.column.db != lookup.name
                    || !matches!(
                        f.op,
                        FilterOp::Eq | FilterOp::In | FilterOp::Contains | FilterOp::StartsWith
                    )
                {
                    continue;
                }
                let mut q = Query::select();
                q.distinct()
                    .column(Alias::new(lookup.key))
                    .from(Alias::new(lookup.table))
                    .cond_where(
                        Condition::all()
                            .add(Expr::col(Alias::new("publisher_id")).eq(self.publisher_id))
                            .add(filter_condition(f, self.backend)),
                    );
                q.limit(MAX_RESOLVED_KEYS + 1);
                let mut keys = Vec::new();
                for row in db.query_all(&q).await? {
                    keys.push(row.try_get_by_index::<String>(0)?);
                }
                if keys.is_empty() {
                    self.slices.empty = true;
                }
                // A filter that many keys match keeps many rows, which the sort's walk
                // meets soon; a long list of keys would cost more than it saves.
                if keys.len() as u64 <= MAX_RESOLVED_KEYS {
                    if lookup.key == lookup.name && !keys.is_empty() {
                        // The keys are the names that matched (plans' SKUs).
                        self.implied.push(index);
                    } else if lookup.check_implied && !keys.is_empty() {
                        // A name of these keys that does not match: the filter stays.
                        let mut other = Query::select();
                        other
                            .expr(Expr::val(1))
                            .from(Alias::new(lookup.table))
                            .cond_where(
                                Condition::all()
                                    .add(
                                        Expr::col(Alias::new("publisher_id")).eq(self.publisher_id),
                                    )
                                    .add(Expr::col(Alias::new(lookup.key)).is_in(keys.clone()))
                                    .add(filter_condition(f, self.backend).not()),
                            )
                            .limit(1);
                        if db.query_one(&other).await?.is_none() {
                            self.implied.push(index);
                        }
                    }
                    self.resolved.push((lookup.key, keys));
                }
            }
        }
        Ok(())
    }

    /// Whether [`GridRequest::plan`] found that no row can match.
    pub fn known_empty(&self) -> bool {
        self.slices.empty
    }

    /// The columns that order rows: the sort column, then the key columns as tie-break.
    fn order_columns(&self) -> Vec<&'static GridColumn> {
        let mut cols = vec![self.sort];
        // Every key column is a dictionary column (a unit test of `spec` checks it).
        for k in self.spec.key {
            if let Some(col) = self.spec.columns().iter().find(|c| c.db == *k)
                && col.db != self.sort.db
            {
                cols.push(col);
            }
        }
        cols
    }

    fn cursor_values(&self, cells: Vec<Cell>) -> Result<Vec<Value>, ApiError> {
        let cols = self.order_columns();
        if cells.len() != cols.len() {
            return Err(ApiError::invalid_parameter(
                "cursor",
                "the cursor does not fit this query".to_owned(),
            ));
        }
        cols.iter()
            .zip(cells)
            .map(|(c, cell)| {
                let value = match cell {
                    Cell::Null => return Ok(c.null_sort_value()),
                    other => other,
                };
                let text = match &value {
                    Cell::Text(t) => t.clone(),
                    Cell::Integer(i) => i.to_string(),
                    Cell::Bool(b) => b.to_string(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Null => String::new(),
                };
                stored_value(c, &text).map_err(|_| {
                    ApiError::invalid_parameter(
                        "cursor",
                        "the cursor does not fit this query".to_owned(),
                    )
                })
            })
            .collect()
    }

    /// Whether the sort column has an index that pages by keyset: one of the spec's
    /// sort indexes, or the first key column (the primary key). The period column's
    /// own index serves the default sort.
    fn sort_is_indexed(&self) -> bool {
        let sort = self.sort.db.as_str();
        !matches!(self.spec.period, PeriodKind::Months(col) if col == sort)
            && (self.spec.sort_indexes.contains(&sort)
                || (self.spec.key_is_primary && self.spec.key.first() == Some(&sort)))
    }

    /// The WHERE conditions of the request: publisher, period, slicers, filters.
    fn condition(&self) -> Condition {
        self.scope_condition(false, false, None)
            .add(self.narrowing())
    }

    /// The months of the period, one arm each, when the sort column's index is
    /// prefixed by month (`GridSpec::month_sorts`, m0008): each month's rows are in sort
    /// order in its own part of the index, so a page reads the first rows of each
    /// month's part and merges them.
    fn month_arms(&self) -> Option<Vec<Month>> {
        if !self.spec.sort_indexes.contains(&self.sort.db.as_str()) {
            return None;
        }
        self.month_column_months().map(|(_, months)| months)
    }

    /// The month column and the period's months, for a month-scoped request on a grid
    /// with a month column (`GridSpec::month_sorts`).
    fn month_column_months(&self) -> Option<(&'static str, Vec<Month>)> {
        let column = self.spec.month_sorts?;
        match self.scope {
            Scope::Months(p) => Some((column, p.start.through(p.end).collect())),
            _ => None,
        }
    }

    /// Publisher and period. With `period_off_index`, the period's range is written so
    /// that SQLite cannot use the period column's index for it (`+column`). SQLite's
    /// planner, without statistics on how much of the data a period holds, otherwise
    /// prefers that range and sorts the whole period, where the sort column's index
    /// reads one page's rows in order (checking the period on each index entry).
    ///
    /// With `after_cursor` (a read that continues after a cursor's row) and a sort on the
    /// period column itself, only the period's near end is written: the cursor's row
    /// value bounds the far end, and it comes from a row of this period (the cursor is
    /// sealed to this query). SQLite ranges an index over one lower and one upper bound
    /// per column; given the period's end too, it ranged over the whole period and
    /// tested the row value on every entry, so each chunk of a download stepped over
    /// every row sent before it (0.17 s a chunk of 8,192 late in a 10M download, 56 s for
    /// its 2,563,146 rows).
    ///
    /// With `month` (an arm of [`Self::month_arms`]), the month column equals it too:
    /// the equality that the month-prefixed sort index ranges over.
    fn scope_condition(
        &self,
        period_off_index: bool,
        after_cursor: bool,
        month: Option<Month>,
    ) -> Condition {
        let mut cond =
            Condition::all().add(Expr::col(Alias::new("publisher_id")).eq(self.publisher_id));
        if let (Some(m), Some(col)) = (month, self.spec.month_sorts) {
            cond = cond.add(Expr::col(Alias::new(col)).eq(m.first_day()));
        }
        match (self.scope, self.spec.period) {
            (Scope::Months(p), PeriodKind::Months(col)) => {
                let column = if period_off_index {
                    Expr::cust(format!("+{col}"))
                } else {
                    Expr::col(Alias::new(col))
                };
                let (from, to) = (p.start.first_day(), p.end.last_day());
                cond = cond.add(if after_cursor && col == self.sort.db.as_str() {
                    if self.descending {
                        column.gte(from)
                    } else {
                        column.lte(to)
                    }
                } else {
                    column.between(from, to)
                });
            }
            (Scope::Days(from, to), PeriodKind::Span { start, end }) => {
                cond = cond.add(Expr::col(Alias::new(start)).lte(to)).add(
                    Condition::any()
                        .add(Expr::col(Alias::new(end)).is_null())
                        .add(Expr::col(Alias::new(end)).gte(from)),
                );
            }
            _ => {}
        }
        cond
    }

    /// Whether anything besides publisher, period and filters on the sort column itself
    /// (which its index checks) narrows the rows.
    fn narrows(&self) -> bool {
        self.filters.iter().any(|f| f.column.db != self.sort.db)
            || !self.fixed.is_empty()
            || !self.fixed_any.is_empty()
            || self.slicers != Slicers::default()
    }

    /// Slicers, the server's fixed conditions and the column filters.
    fn narrowing(&self) -> Condition {
        self.narrowing_part(None)
    }

    /// The filters on the sort column (`Some(true)`), everything else that narrows
    /// (`Some(false)`), or both (`None`).
    fn narrowing_part(&self, on_sort: Option<bool>) -> Condition {
        let spec = self.spec;
        let mut cond = Condition::all();
        if on_sort != Some(true) {
            cond = cond.add(slicer_condition(&self.slicers, &spec.slicers));
            for (c, v) in &self.fixed {
                cond = cond.add(Expr::col(Alias::new(*c)).eq(v.clone()));
            }
            for (c, v) in self.fixed_any.iter().chain(&self.resolved) {
                cond = cond.add(Expr::col(Alias::new(*c)).is_in(v.iter().cloned()));
            }
        }
        if on_sort != Some(false)
            && let Some(bound) = self.slices.sort_bound
        {
            let sort = Expr::col(Alias::new(self.sort.db.as_str()));
            cond = cond.add(if self.descending {
                sort.lte(bound)
            } else {
                sort.gte(bound)
            });
        }
        for (index, f) in self.filters.iter().enumerate() {
            if on_sort.is_some_and(|want| want != (f.column.db == self.sort.db)) {
                continue;
            }
            if !self.implied.contains(&index) {
                cond = cond.add(filter_condition(f, self.backend));
            }
            // A hashed BYOL subscription ID must not be findable through the real one.
            if spec.byol && f.column.dictionary.name == "MarketplaceSubscriptionId" {
                cond = cond.add(
                    Expr::col(Alias::new("marketplace_license_type"))
                        .ne(MarketplaceLicenseType::BringYourOwnLicense.name()),
                );
            }
        }
        cond
    }

    fn keyset_and_order(&self, q: &mut SelectStatement, after: Option<&[Value]>, limit: u64) {
        self.keyset_and_order_by(q, after, limit, false);
    }

    /// [`Self::keyset_and_order`], with `off_index` the ORDER BY written as `+column`,
    /// which no index of SQLite's can deliver: the planner then picks its index by the
    /// WHERE conditions alone (see [`Self::by_customer_months`]).
    fn keyset_and_order_by(
        &self,
        q: &mut SelectStatement,
        after: Option<&[Value]>,
        limit: u64,
        off_index: bool,
    ) {
        let order_cols = self.order_columns();
        if let Some(values) = after {
            let left: Vec<Expr> = order_cols.iter().map(|c| c.sort_expr()).collect();
            let right: Vec<Expr> = values.iter().cloned().map(Expr::val).collect();
            let op = if self.descending {
                BinOper::SmallerThan
            } else {
                BinOper::GreaterThan
            };
            q.and_where(Expr::tuple(left).binary(op, Expr::tuple(right)));
        }
        let order = if self.descending {
            Order::Desc
        } else {
            Order::Asc
        };
        for c in &order_cols {
            let expr = if off_index && !(c.nullable && c.sql == SqlType::Date) {
                Expr::cust(format!("+\"{}\"", c.db))
            } else {
                c.sort_expr()
            };
            q.order_by_expr(expr, order.clone());
        }
        q.limit(limit);
    }

    /// The period's months, when filters resolved to a list of customers (a name filter,
    /// see [`Self::resolve_lookups`]) on a grid whose month column leads a customer
    /// index (usage, m0009): the page then reads those customers' rows of each month
    /// through that index and sorts them, however the grid is sorted. Walking a sort
    /// index instead meets a few customers' rows only now and then (1.8 s against 12 ms
    /// for one customer at 1M rows).
    fn by_customer_months(&self) -> Option<(&'static str, Vec<Month>)> {
        if !self.resolved.iter().any(|(key, _)| *key == "customer_id") {
            return None;
        }
        self.month_column_months()
    }

    /// The page of [`Self::by_customer_months`]: `month_col` is one of `months`.
    fn page_query_by_customer(
        &self,
        after: Option<&[Value]>,
        limit: u64,
        sqlite: bool,
        (month_col, months): (&'static str, Vec<Month>),
    ) -> SelectStatement {
        let mut q = Query::select();
        q.from(Alias::new(self.spec.table));
        for c in self.spec.columns() {
            q.column(Alias::new(c.db.as_str()));
        }
        q.cond_where(
            self.scope_condition(sqlite, after.is_some(), None)
                .add(
                    Expr::col(Alias::new(month_col))
                        .is_in(months.into_iter().map(Month::first_day)),
                )
                .add(self.narrowing()),
        );
        self.keyset_and_order_by(&mut q, after, limit, sqlite);
        q
    }

    /// The SELECT of one page (or one download chunk) after `after`. On SQLite
    /// (`sqlite`), a sort on an indexed column reads that index (see
    /// [`Self::scope_condition`]).
    ///
    /// A sort on a month-prefixed index reads each month's arm (its first `limit` rows
    /// after `after`) and merges them ([`Self::merged`]).
    fn page_query(&self, after: Option<&[Value]>, limit: u64, sqlite: bool) -> SelectStatement {
        if let Some(months) = self.by_customer_months() {
            return self.page_query_by_customer(after, limit, sqlite, months);
        }
        match self.month_arms() {
            Some(months) => {
                let arms = months
                    .into_iter()
                    .map(|m| self.page_query_in(after, limit, sqlite, Some(m), false))
                    .collect();
                self.merged(arms, limit, false)
            }
            None => self.page_query_in(after, limit, sqlite, None, false),
        }
    }

    /// With `off_index_order`, the ORDER BY is written off-index
    /// ([`Self::keyset_and_order_by`]).
    fn page_query_in(
        &self,
        after: Option<&[Value]>,
        limit: u64,
        sqlite: bool,
        month: Option<Month>,
        off_index_order: bool,
    ) -> SelectStatement {
        let mut q = Query::select();
        q.from(Alias::new(self.spec.table));
        for c in self.spec.columns() {
            q.column(Alias::new(c.db.as_str()));
        }
        q.cond_where(
            self.scope_condition(
                sqlite && self.sort_is_indexed(),
                after.is_some() && month.is_none(),
                month,
            )
            .add(self.narrowing()),
        );
        self.keyset_and_order_by(&mut q, after, limit, off_index_order);
        q
    }

    /// The rows of `arms` (each already in sort order and limited), merged in sort
    /// order: `SELECT cols FROM (SELECT cols FROM (arm) AS a0 UNION ALL ...) ORDER BY
    /// ... LIMIT`. Each arm is its own subquery because a compound SELECT's arms cannot
    /// carry their own ORDER BY and LIMIT in SQLite. With `tag_arms`, each row has a last
    /// column `arm` saying which arm it came from.
    fn merged(&self, arms: Vec<SelectStatement>, limit: u64, tag_arms: bool) -> SelectStatement {
        let columns = self.spec.columns();
        let mut union: Option<SelectStatement> = None;
        for (i, inner) in arms.into_iter().enumerate() {
            let mut arm = Query::select();
            arm.from_subquery(inner, Alias::new(format!("a{i}")));
            for c in columns {
                arm.column(Alias::new(c.db.as_str()));
            }
            if tag_arms {
                arm.expr_as(Expr::val(i as i64), Alias::new("arm"));
            }
            match &mut union {
                None => union = Some(arm),
                Some(u) => {
                    u.union(UnionType::All, arm);
                }
            }
        }
        let mut q = Query::select();
        q.from_subquery(union.unwrap_or_else(Query::select), Alias::new("merged"));
        for c in columns {
            q.column(Alias::new(c.db.as_str()));
        }
        if tag_arms {
            q.column(Alias::new("arm"));
        }
        self.keyset_and_order(&mut q, None, limit);
        q
    }

    /// The page through the sort column's index, with the filters applied to only the
    /// first `budget` rows of the period in sort order. When filters reject most rows
    /// near the start of the sort order (filtering SaaS rows, whose usage hours are all
    /// zero, sorted by hours descending), walking the index until a page fills would
    /// read most of the table; this bounds that walk. A full page from it is the
    /// exact answer; a short one is not known to be, and the caller asks again.
    fn budgeted_page_query(
        &self,
        after: Option<&[Value]>,
        limit: u64,
        budget: u64,
        sqlite: bool,
        month: Option<Month>,
    ) -> SelectStatement {
        let mut inner = Query::select();
        inner.from(Alias::new(self.spec.table));
        for c in self.spec.columns() {
            inner.column(Alias::new(c.db.as_str()));
        }
        inner.cond_where(
            self.scope_condition(sqlite, false, month)
                .add(self.narrowing_part(Some(true))),
        );
        self.keyset_and_order(&mut inner, after, budget);
        let mut q = Query::select();
        q.from_subquery(inner, Alias::new("sorted"));
        for c in self.spec.columns() {
            q.column(Alias::new(c.db.as_str()));
        }
        q.cond_where(self.narrowing_part(Some(false)));
        self.keyset_and_order(&mut q, None, limit);
        q
    }

    /// Reads one chunk of rows after `after`: each row's cells in column order, as the
    /// caller may see them, and the order values that continue after the last row.
    pub async fn chunk<C: ConnectionTrait>(
        &self,
        db: &C,
        after: Option<&[Value]>,
        limit: u64,
    ) -> Result<Chunk, ApiError> {
        if self.slices.empty {
            return Ok(Chunk {
                rows: Vec::new(),
                order_values: Vec::new(),
            });
        }
        let sqlite = db.get_database_backend() == sea_orm::DbBackend::Sqlite;
        let mut rows = Vec::new();
        let arms = self.month_arms();
        let mut exact = false;
        if let Some(months) = self.by_customer_months() {
            rows = db
                .query_all(&self.page_query_by_customer(after, limit, sqlite, months))
                .await?;
            exact = true;
        } else if sqlite && self.fixed.iter().any(|(c, _)| *c == "customer_id") {
            // One customer's rows (the customer view): its index has them; walking the
            // sort's index would pass every other customer's rows (3.7 s for the view
            // at ten million usage rows).
            rows = db
                .query_all(&self.page_query_in(after, limit, false, None, true))
                .await?;
            exact = true;
        } else if self.sort_is_indexed() && self.narrows() && SORT_SCAN_BUDGET > limit {
            if let Some(months) = &arms {
                // Each month's arm filters the first rows of its part of the sort index.
                // A month whose arm fills a page has its first matching rows in it; when
                // every arm does, their merge is the page.
                let n = months.len();
                let budgeted = months
                    .iter()
                    .map(|m| {
                        self.budgeted_page_query(after, limit, SORT_SCAN_BUDGET, sqlite, Some(*m))
                    })
                    .collect();
                // Every row of every arm: at most `limit` each.
                let merged = db
                    .query_all(&self.merged(budgeted, limit * n as u64, true))
                    .await?;
                let mut per_arm = vec![0u64; n];
                for r in &merged {
                    let arm: i64 = r.try_get_by_index(self.spec.columns().len())?;
                    if let Some(count) = per_arm.get_mut(arm as usize) {
                        *count += 1;
                    }
                }
                if per_arm.iter().all(|c| *c >= limit) {
                    rows = merged;
                    rows.truncate(limit as usize);
                    exact = true;
                }
            } else if sqlite {
                rows = db
                    .query_all(&self.budgeted_page_query(
                        after,
                        limit,
                        SORT_SCAN_BUDGET,
                        true,
                        None,
                    ))
                    .await?;
                exact = rows.len() as u64 >= limit;
            }
        }
        if !exact {
            // No budgeted read, or a short page from it: the plain query is exact. With
            // filters on other columns, SQLite then reads the period by its own index
            // and sorts it.
            rows = if self.narrows() && arms.is_some() {
                db.query_all(&self.page_query_in(after, limit, false, None, false))
                    .await?
            } else {
                let use_sort_index = sqlite && !self.narrows();
                db.query_all(&self.page_query(after, limit, use_sort_index))
                    .await?
            };
        }
        let cols = self.spec.columns();
        let order_idx: Vec<usize> = self
            .order_columns()
            .iter()
            .map(|oc| cols.iter().position(|c| c.db == oc.db).unwrap_or(0))
            .collect();
        let subscription = cols
            .iter()
            .position(|c| c.dictionary.name == "MarketplaceSubscriptionId");
        let license_type = cols
            .iter()
            .position(|c| c.dictionary.name == "MarketplaceLicenseType");
        let byol_name = MarketplaceLicenseType::BringYourOwnLicense.name();
        let mut chunk = Chunk {
            rows: Vec::with_capacity(rows.len()),
            order_values: Vec::with_capacity(rows.len()),
        };
        for r in &rows {
            let mut cells = Vec::with_capacity(cols.len());
            let mut stored = Vec::with_capacity(order_idx.len());
            for (i, c) in cols.iter().enumerate() {
                let (cell, value) = read_cell(r, i, c)?;
                if order_idx.contains(&i) {
                    stored.push((i, value));
                }
                cells.push(if c.dictionary.pii && self.masked && cell != Cell::Null {
                    Cell::Text(MASKED.to_owned())
                } else {
                    cell
                });
            }
            if self.spec.byol
                && let (Some(s), Some(l)) = (subscription, license_type)
                && matches!(&cells[l], Cell::Text(t) if t == byol_name)
                && let Cell::Text(id) = &cells[s]
            {
                cells[s] = Cell::Text(self.keys.byol_hash(self.publisher_id, id));
            }
            chunk.order_values.push(
                order_idx
                    .iter()
                    .filter_map(|i| stored.iter().find(|(j, _)| j == i).map(|(_, v)| v.clone()))
                    .collect(),
            );
            chunk.rows.push(cells);
        }
        Ok(chunk)
    }

    /// A row's cells keyed by JSON name.
    fn keyed(&self, cells: Vec<Cell>) -> GridRow {
        GridRow(
            self.spec
                .columns()
                .iter()
                .map(|c| c.json.clone())
                .zip(cells)
                .collect(),
        )
    }

    /// The number of rows matching the request.
    pub async fn count<C: ConnectionTrait>(&self, db: &C) -> Result<u64, ApiError> {
        if self.slices.empty {
            return Ok(0);
        }
        let mut q = Query::select();
        q.from(Alias::new(self.spec.table))
            .expr(Expr::cust("COUNT(*)"))
            .cond_where(self.condition());
        let row = db.query_one(&q).await?;
        let n: i64 = match row {
            Some(r) => r.try_get_by_index(0)?,
            None => 0,
        };
        Ok(Ord::max(n, 0) as u64)
    }

    /// One page of rows and the cursor of the next.
    pub async fn page<C: ConnectionTrait>(
        &self,
        db: &C,
    ) -> Result<(Vec<GridRow>, Option<String>), ApiError> {
        let page_size = self.page_size as usize;
        // One row more than the page tells whether another page follows.
        let mut chunk = self
            .chunk(db, self.after.as_deref(), u64::from(self.page_size) + 1)
            .await?;
        let mut next = None;
        if chunk.rows.len() > page_size {
            chunk.rows.truncate(page_size);
            let cells: Vec<Cell> = chunk.order_values[page_size - 1]
                .iter()
                .map(raw_cell)
                .collect();
            next = Some(cursor::seal(
                &self.keys,
                self.publisher_id,
                &self.fingerprint(),
                &cells,
            ));
        }
        let rows = chunk.rows.into_iter().map(|c| self.keyed(c)).collect();
        Ok((rows, next))
    }
}

/// One chunk of rows in column order and the order values after its last row.
pub struct Chunk {
    /// The rows' cells, in column order.
    pub rows: Vec<Vec<Cell>>,
    /// Each row's stored order values (sort column, then key), which a cursor continues
    /// after.
    pub order_values: Vec<Vec<Value>>,
}

fn raw_cell(value: &Value) -> Cell {
    match value {
        Value::String(Some(s)) => Cell::Text(s.to_string()),
        Value::BigInt(Some(i)) => Cell::Integer(*i),
        Value::Int(Some(i)) => Cell::Integer(i64::from(*i)),
        Value::Bool(Some(b)) => Cell::Bool(*b),
        Value::ChronoDate(Some(d)) => Cell::Text(d.format("%Y-%m-%d").to_string()),
        Value::ChronoDateTimeUtc(Some(t)) => Cell::Text(t.to_rfc3339()),
        _ => Cell::Null,
    }
}

/// A stored value from its cursor text (the raw stored form, not the display form).
fn stored_value(column: &GridColumn, text: &str) -> Result<Value, String> {
    match column.sql {
        SqlType::BigInteger => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|e| e.to_string()),
        SqlType::Integer => text
            .parse::<i32>()
            .map(Value::from)
            .map_err(|e| e.to_string()),
        SqlType::Boolean => text
            .parse::<bool>()
            .map(Value::from)
            .map_err(|e| e.to_string()),
        SqlType::Date => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Value::from)
            .map_err(|e| e.to_string()),
        SqlType::TimestampWithTimeZone => DateTime::parse_from_rfc3339(text)
            .map(|t| Value::from(t.with_timezone(&Utc)))
            .map_err(|e| e.to_string()),
        _ => Ok(Value::from(text.to_owned())),
    }
}

fn read_cell(r: &QueryResult, i: usize, c: &GridColumn) -> Result<(Cell, Value), ApiError> {
    Ok(match c.sql {
        SqlType::Date => {
            let v: Option<NaiveDate> = r.try_get_by_index(i)?;
            (
                v.map_or(Cell::Null, |d| Cell::Text(d.format("%Y-%m-%d").to_string())),
                match v {
                    Some(d) => Value::from(d),
                    None => c.null_sort_value(),
                },
            )
        }
        SqlType::TimestampWithTimeZone => {
            let v: Option<DateTime<Utc>> = r.try_get_by_index(i)?;
            (
                v.map_or(Cell::Null, |t| {
                    Cell::Text(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                }),
                Value::from(v),
            )
        }
        SqlType::Boolean => {
            let v: Option<bool> = r.try_get_by_index(i)?;
            (v.map_or(Cell::Null, Cell::Bool), Value::from(v))
        }
        SqlType::Integer => {
            let v: Option<i32> = r.try_get_by_index(i)?;
            (
                v.map_or(Cell::Null, |n| Cell::Integer(i64::from(n))),
                Value::from(v),
            )
        }
        SqlType::BigInteger => {
            let v: Option<i64> = r.try_get_by_index(i)?;
            let cell = match (v, c.dictionary.kind) {
                (None, _) => Cell::Null,
                (Some(n), ColumnType::Money) => Cell::Text(decimal_string(n)),
                (Some(n), ColumnType::Decimal) => Cell::Number(units(n)),
                (Some(n), _) => Cell::Integer(n),
            };
            (cell, Value::from(v))
        }
        _ => {
            let v: Option<String> = r.try_get_by_index(i)?;
            (v.clone().map_or(Cell::Null, Cell::Text), Value::from(v))
        }
    })
}

fn like_pattern(lowered: &Value, prefix_only: bool) -> String {
    let text = match lowered {
        Value::String(Some(s)) => s.to_string(),
        _ => String::new(),
    };
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    if prefix_only {
        format!("{escaped}%")
    } else {
        format!("%{escaped}%")
    }
}

/// The condition of one column filter, for `backend`.
///
/// A text filter compares with the value lowered (at parsing). PostgreSQL's `LIKE` is
/// case-sensitive, so the column is lowered too. SQLite's `LIKE` already ignores ASCII
/// case, and its `lower()` changes nothing else (it folds ASCII only), so the column is
/// compared as stored: the same rows match, without a lowered copy of every row's text
/// (a contains filter that scans the period: 0.26-0.36 s with `lower()`, 0.15-0.22 s
/// without, at a million usage rows in the sqlite3 shell).
fn filter_condition(f: &Filter, backend: DbBackend) -> Condition {
    let col = || Expr::col(Alias::new(f.column.db.as_str()));
    // The column as the pattern should meet it: as stored on SQLite, lowered elsewhere.
    let folded = || {
        if backend == DbBackend::Sqlite {
            col()
        } else {
            Expr::expr(Func::lower(col()))
        }
    };
    let first = || f.values[0].clone();
    let nullable = f.column.nullable;
    let cond = Condition::all();
    match f.op {
        FilterOp::Eq => cond.add(col().eq(first())),
        FilterOp::Ne => {
            if nullable {
                cond.add(Condition::any().add(col().is_null()).add(col().ne(first())))
            } else {
                cond.add(col().ne(first()))
            }
        }
        FilterOp::Contains => {
            cond.add(folded().like(LikeExpr::new(like_pattern(&f.values[0], false)).escape('\\')))
        }
        FilterOp::NotContains => cond
            .add(folded().not_like(LikeExpr::new(like_pattern(&f.values[0], false)).escape('\\'))),
        FilterOp::StartsWith => {
            cond.add(folded().like(LikeExpr::new(like_pattern(&f.values[0], true)).escape('\\')))
        }
        FilterOp::Lt | FilterOp::Before => cond.add(col().lt(first())),
        FilterOp::Le => cond.add(col().lte(first())),
        FilterOp::Gt | FilterOp::After => cond.add(col().gt(first())),
        FilterOp::Ge => cond.add(col().gte(first())),
        FilterOp::Between => cond.add(col().between(f.values[0].clone(), f.values[1].clone())),
        FilterOp::In => cond.add(col().is_in(f.values.clone())),
    }
}

/// The months parameter of grids with a month period: `start` as for every report.
pub async fn month_scope<C: ConnectionTrait>(
    db: &C,
    publisher_id: i64,
    spec: &GridSpec,
    params: &QueryParams,
) -> Result<(Scope, Option<DateTime<Utc>>), ApiError> {
    let (period, data_as_of) =
        filters::period(db, publisher_id, spec.dataset, params.month("start")?).await?;
    Ok((Scope::Months(period), data_as_of))
}

/// A month's scope from an explicit start.
pub fn months(start: Month) -> Scope {
    Scope::Months(Period::from_start(start))
}
