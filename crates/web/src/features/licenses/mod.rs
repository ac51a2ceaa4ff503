//! The License dashboard (`/licenses`): filters, four widgets with their "..." menus, and
//! "Download data".

mod files;
mod licenses_page;
mod map;
mod widgets;

pub use licenses_page::LicensesPage;
