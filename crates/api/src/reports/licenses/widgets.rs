//! What each widget is beyond its JSON: a title, the rows of its CSV, and its figure.

use shared::reports::licenses::{
    AnalysisBy, LicenseAnalysisWidget, LicenseCustomersWidget, LicenseFilters,
    LicenseGeographyWidget, LicenseLicensesWidget,
};

use crate::reports::licenses::render::{
    ASSIGNED, BarRow, Body, Figure, MapValue, PROVISIONED, Series,
};

/// A License dashboard widget's data, as every format renders it.
pub trait Widget: serde::Serialize {
    /// The widget's title, as the page shows it.
    fn title(&self) -> String;
    /// The file-name stem of downloads.
    fn slug(&self) -> &'static str;
    /// The effective filters.
    fn filters(&self) -> &LicenseFilters;
    /// When the data last changed.
    fn data_as_of(&self) -> Option<chrono::DateTime<chrono::Utc>>;
    /// The aggregated data as CSV records, header first.
    fn records(&self) -> Vec<Vec<String>>;
    /// The chart.
    fn body(&self) -> Body;

    /// The figure: title, filters, `dataAsOf` and chart.
    fn figure(&self) -> Figure {
        Figure {
            title: self.title(),
            filters: format!("Filters: {}", self.filters().describe()),
            data_as_of: match self.data_as_of() {
                Some(t) => format!(
                    "Data as of {} UTC (data is reported with a latency of up to 48 hours)",
                    t.format("%Y-%m-%d %H:%M")
                ),
                None => "No license data yet".to_owned(),
            },
            body: self.body(),
        }
    }
}

fn change(now: i64, before: Option<i64>) -> String {
    match before {
        None => "n/a".to_owned(),
        Some(b) => {
            let d = now - b;
            let sign = if d > 0 { "+" } else { "" };
            if b > 0 {
                format!("{sign}{d} ({sign}{:.1}%)", d as f64 * 100.0 / b as f64)
            } else {
                format!("{sign}{d}")
            }
        }
    }
}

impl Widget for LicenseCustomersWidget {
    fn title(&self) -> String {
        "Customers".to_owned()
    }
    fn slug(&self) -> &'static str {
        "license-customers"
    }
    fn filters(&self) -> &LicenseFilters {
        &self.filters
    }
    fn data_as_of(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.data_as_of
    }
    fn records(&self) -> Vec<Vec<String>> {
        let mut rows = vec![vec!["Month".to_owned(), "Customers".to_owned()]];
        rows.extend(
            self.months
                .iter()
                .map(|m| vec![m.month.to_string(), m.customers.to_string()]),
        );
        rows
    }
    fn body(&self) -> Body {
        Body::Trend {
            headline: vec![
                ("Customers now".to_owned(), self.current.to_string()),
                (
                    "Month over month".to_owned(),
                    change(self.current as i64, self.previous.map(|p| p as i64)),
                ),
            ],
            months: self.months.iter().map(|m| m.month.to_string()).collect(),
            series: vec![Series {
                name: "Customers".to_owned(),
                values: self.months.iter().map(|m| m.customers as f64).collect(),
                color: PROVISIONED,
            }],
        }
    }
}

impl Widget for LicenseLicensesWidget {
    fn title(&self) -> String {
        "Licenses".to_owned()
    }
    fn slug(&self) -> &'static str {
        "license-licenses"
    }
    fn filters(&self) -> &LicenseFilters {
        &self.filters
    }
    fn data_as_of(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.data_as_of
    }
    fn records(&self) -> Vec<Vec<String>> {
        let mut rows = vec![vec![
            "Month".to_owned(),
            "LicensesProvisioned".to_owned(),
            "LicensesAssigned".to_owned(),
        ]];
        rows.extend(self.months.iter().map(|m| {
            vec![
                m.month.to_string(),
                m.provisioned.to_string(),
                m.assigned.to_string(),
            ]
        }));
        rows
    }
    fn body(&self) -> Body {
        Body::Trend {
            headline: vec![
                (
                    "Provisioned now".to_owned(),
                    self.current.provisioned.to_string(),
                ),
                ("Assigned now".to_owned(), self.current.assigned.to_string()),
                (
                    "Provisioned month over month".to_owned(),
                    change(
                        self.current.provisioned,
                        self.previous.as_ref().map(|p| p.provisioned),
                    ),
                ),
            ],
            months: self.months.iter().map(|m| m.month.to_string()).collect(),
            series: vec![
                Series {
                    name: "Provisioned".to_owned(),
                    values: self.months.iter().map(|m| m.provisioned as f64).collect(),
                    color: PROVISIONED,
                },
                Series {
                    name: "Assigned".to_owned(),
                    values: self.months.iter().map(|m| m.assigned as f64).collect(),
                    color: ASSIGNED,
                },
            ],
        }
    }
}

impl Widget for LicenseAnalysisWidget {
    fn title(&self) -> String {
        match self.by {
            AnalysisBy::Products => "Analysis by products".to_owned(),
            AnalysisBy::Customers => "Analysis by customers".to_owned(),
        }
    }
    fn slug(&self) -> &'static str {
        match self.by {
            AnalysisBy::Products => "license-analysis-products",
            AnalysisBy::Customers => "license-analysis-customers",
        }
    }
    fn filters(&self) -> &LicenseFilters {
        &self.filters
    }
    fn data_as_of(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.data_as_of
    }
    fn records(&self) -> Vec<Vec<String>> {
        let mut header: Vec<String> = match self.by {
            AnalysisBy::Products => vec!["OfferName".to_owned(), "PlanName".to_owned()],
            AnalysisBy::Customers => vec!["CustomerId".to_owned(), "CustomerName".to_owned()],
        };
        header.extend(
            [
                "LicensesProvisioned",
                "LicensesAssigned",
                "ProvisionedPercent",
                "AssignedPercent",
                "PreviousMonthProvisioned",
                "PreviousMonthAssigned",
            ]
            .map(str::to_owned),
        );
        let mut rows = vec![header];
        rows.extend(self.rows.iter().map(|r| {
            let (a, b) = match self.by {
                AnalysisBy::Products => (r.offer_name.clone(), r.plan_name.clone()),
                AnalysisBy::Customers => (r.customer_id.clone(), r.customer_name.clone()),
            };
            vec![
                a.unwrap_or_default(),
                b.unwrap_or_default(),
                r.provisioned.to_string(),
                r.assigned.to_string(),
                format!("{:.1}", r.provisioned_percent),
                format!("{:.1}", r.assigned_percent),
                r.previous_provisioned.to_string(),
                r.previous_assigned.to_string(),
            ]
        }));
        rows
    }
    fn body(&self) -> Body {
        Body::Bars(
            self.rows
                .iter()
                .take(10)
                .map(|r| BarRow {
                    label: match self.by {
                        AnalysisBy::Products => format!(
                            "{} · {}",
                            r.offer_name.as_deref().unwrap_or_default(),
                            r.plan_name.as_deref().unwrap_or_default()
                        ),
                        AnalysisBy::Customers => {
                            // The ID tells apart customers of one name (or masked names).
                            let id: String = r
                                .customer_id
                                .as_deref()
                                .unwrap_or_default()
                                .chars()
                                .take(8)
                                .collect();
                            format!("{} ({id})", r.customer_name.as_deref().unwrap_or_default())
                        }
                    },
                    provisioned: r.provisioned,
                    assigned: r.assigned,
                    note: format!(
                        "{:.1}% / {:.1}% · MoM {}",
                        r.provisioned_percent,
                        r.assigned_percent,
                        change(r.provisioned, Some(r.previous_provisioned))
                    ),
                })
                .collect(),
        )
    }
}

impl Widget for LicenseGeographyWidget {
    fn title(&self) -> String {
        "Geographical spread".to_owned()
    }
    fn slug(&self) -> &'static str {
        "license-geography"
    }
    fn filters(&self) -> &LicenseFilters {
        &self.filters
    }
    fn data_as_of(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.data_as_of
    }
    fn records(&self) -> Vec<Vec<String>> {
        let mut rows = vec![
            [
                "CustomerCountryCode",
                "CustomerCountry",
                "LicensesProvisioned",
                "LicensesAssigned",
                "Customers",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        rows.extend(self.countries.iter().map(|c| {
            vec![
                c.country_code.clone(),
                c.country.clone(),
                c.provisioned.to_string(),
                c.assigned.to_string(),
                c.customers.to_string(),
            ]
        }));
        rows
    }
    fn body(&self) -> Body {
        Body::Map(
            self.countries
                .iter()
                .map(|c| MapValue {
                    code: c.country_code.clone(),
                    name: c.country.clone(),
                    provisioned: c.provisioned,
                    assigned: c.assigned,
                })
                .collect(),
        )
    }
}
