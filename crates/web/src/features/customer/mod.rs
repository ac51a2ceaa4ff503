//! The Customer page: customers by Marketplace License Type between two dates, the
//! customer grid, and one customer's own view.

mod customer_page;
mod customer_view;

pub use customer_page::CustomerPage;
