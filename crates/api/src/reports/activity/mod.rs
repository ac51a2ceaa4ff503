//! The Orders and Usage page's reports: slicer options, monthly view, trend view and
//! detail grid, one shape for both.

mod fast;
pub mod handlers;
pub mod query;
