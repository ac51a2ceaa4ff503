//! Building blocks shared by the pages.

pub mod chart;
pub mod data_grid;
pub mod feedback;
pub mod glossary;
pub mod layout;
pub mod slicer;
