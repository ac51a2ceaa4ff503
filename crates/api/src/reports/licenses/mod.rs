//! The License dashboard: customers, licenses, analysis and geographical spread widgets,
//! each as JSON, CSV of its aggregated data, PNG, SVG and a one-page PDF; the filter
//! options of a range; and the license rows as a grid or streamed download.

pub mod handlers;
pub mod pdf;
pub mod query;
pub mod render;
pub mod widgets;
