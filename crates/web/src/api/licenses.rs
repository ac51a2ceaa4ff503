//! The License dashboard's endpoints (`/reports/licenses/...`).

use shared::Problem;
use shared::reports::licenses::{
    AnalysisBy, LicenseAnalysisWidget, LicenseCustomersWidget, LicenseFilters,
    LicenseGeographyWidget, LicenseLicensesWidget, LicenseOptions,
};

use super::{Call, Client};

/// A License dashboard widget, as its endpoint names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenseWidget {
    /// `/reports/licenses/customers`.
    Customers,
    /// `/reports/licenses/licenses`.
    Licenses,
    /// `/reports/licenses/analysis` with `by`.
    Analysis(AnalysisBy),
    /// `/reports/licenses/geography`.
    Geography,
}

impl LicenseWidget {
    fn path(self) -> &'static str {
        match self {
            LicenseWidget::Customers => "/reports/licenses/customers",
            LicenseWidget::Licenses => "/reports/licenses/licenses",
            LicenseWidget::Analysis(_) => "/reports/licenses/analysis",
            LicenseWidget::Geography => "/reports/licenses/geography",
        }
    }

    /// The file-name stem of the widget's downloads.
    pub fn slug(self) -> &'static str {
        match self {
            LicenseWidget::Customers => "license-customers",
            LicenseWidget::Licenses => "license-licenses",
            LicenseWidget::Analysis(AnalysisBy::Products) => "license-analysis-products",
            LicenseWidget::Analysis(AnalysisBy::Customers) => "license-analysis-customers",
            LicenseWidget::Geography => "license-geography",
        }
    }
}

/// A widget file the server renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WidgetFile {
    /// The aggregated data.
    Csv,
    /// The widget drawn as an image.
    Png,
    /// The widget drawn on a PDF page.
    Pdf,
}

impl WidgetFile {
    /// The `format` parameter and file extension.
    pub fn extension(self) -> &'static str {
        match self {
            WidgetFile::Csv => "csv",
            WidgetFile::Png => "png",
            WidgetFile::Pdf => "pdf",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            WidgetFile::Csv => "text/csv",
            WidgetFile::Png => "image/png",
            WidgetFile::Pdf => "application/pdf",
        }
    }
}

fn pairs(filters: &LicenseFilters, widget: Option<LicenseWidget>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = filters
        .query_pairs()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    if let Some(LicenseWidget::Analysis(by)) = widget {
        pairs.push(("by".to_owned(), by.name().to_owned()));
    }
    pairs
}

impl Client {
    /// The filter values present in the filters' range (`GET /reports/licenses/options`).
    pub async fn license_options(
        &self,
        filters: &LicenseFilters,
    ) -> Result<LicenseOptions, Problem> {
        let range = LicenseFilters {
            range: filters.range.clone(),
            from: filters.from,
            to: filters.to,
            ..LicenseFilters::default()
        };
        self.json(Call::get("/reports/licenses/options").pairs(&pairs(&range, None)))
            .await
    }

    async fn license_widget<T: serde::de::DeserializeOwned>(
        &self,
        widget: LicenseWidget,
        filters: &LicenseFilters,
    ) -> Result<T, Problem> {
        self.json(Call::get(widget.path()).pairs(&pairs(filters, Some(widget))))
            .await
    }

    /// The Customers widget.
    pub async fn license_customers(
        &self,
        filters: &LicenseFilters,
    ) -> Result<LicenseCustomersWidget, Problem> {
        self.license_widget(LicenseWidget::Customers, filters).await
    }

    /// The Licenses widget.
    pub async fn license_licenses(
        &self,
        filters: &LicenseFilters,
    ) -> Result<LicenseLicensesWidget, Problem> {
        self.license_widget(LicenseWidget::Licenses, filters).await
    }

    /// The Analysis widget, by products or by customers.
    pub async fn license_analysis(
        &self,
        filters: &LicenseFilters,
        by: AnalysisBy,
    ) -> Result<LicenseAnalysisWidget, Problem> {
        self.license_widget(LicenseWidget::Analysis(by), filters)
            .await
    }

    /// The Geographical spread widget.
    pub async fn license_geography(
        &self,
        filters: &LicenseFilters,
    ) -> Result<LicenseGeographyWidget, Problem> {
        self.license_widget(LicenseWidget::Geography, filters).await
    }

    /// A widget's CSV, PNG or PDF, as bytes and the file name the server gave it.
    pub async fn license_widget_file(
        &self,
        widget: LicenseWidget,
        filters: &LicenseFilters,
        file: WidgetFile,
    ) -> Result<ServerFile, Problem> {
        let mut query = pairs(filters, Some(widget));
        query.push(("format".to_owned(), file.extension().to_owned()));
        read_bytes(self.send(Call::get(widget.path()).pairs(&query)).await?).await
    }

    /// "Download data": every license row of the filtered range as CSV
    /// (`GET /reports/licenses/details?format=csv`).
    pub async fn license_rows_csv(&self, filters: &LicenseFilters) -> Result<ServerFile, Problem> {
        let mut query = pairs(filters, None);
        query.push(("format".to_owned(), "csv".to_owned()));
        read_bytes(
            self.send(Call::get("/reports/licenses/details").pairs(&query))
                .await?,
        )
        .await
    }
}

/// A file the server made: its bytes and the name its `Content-Disposition` gives.
#[derive(Clone, Debug)]
pub struct ServerFile {
    /// The content.
    pub bytes: Vec<u8>,
    /// The file name, when the server named it.
    pub name: Option<String>,
}

async fn read_bytes(response: gloo_net::http::Response) -> Result<ServerFile, Problem> {
    let name = response.headers().get("content-disposition").and_then(|v| {
        v.split(';')
            .map(str::trim)
            .find_map(|part| part.strip_prefix("filename="))
            .map(|f| f.trim_matches('"').to_owned())
    });
    let bytes = response.binary().await.map_err(|e| {
        Problem::new(
            shared::ErrorCode::Internal,
            format!("The server's answer could not be read ({e})."),
        )
    })?;
    Ok(ServerFile { bytes, name })
}
