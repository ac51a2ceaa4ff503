//! The Summary page: new orders over three months, by month, channel and offer type.

mod summary_page;

pub use summary_page::SummaryPage;
