//! Building blocks shared by the pages.

pub mod chart;
pub mod feedback;
pub mod layout;
