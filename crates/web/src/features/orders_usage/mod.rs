//! The Orders and Usage page: Panel A (report type, slicers, start month), Panel B (the
//! monthly view), Panel C (the trend view) and Panel D (the detail grid).

mod orders_usage_page;
mod panels;
mod state;

pub use orders_usage_page::OrdersUsagePage;
