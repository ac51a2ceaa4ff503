//! The Help tab's glossary, generated from the data dictionary: every column of every
//! dataset, every enumeration (with its values) and the measures the charts show.
//!
//! A term's label and definition are the dictionary's own, so the glossary, the slicer
//! and column labels and the API reference cannot drift apart. Each term has a stable
//! `id` (the kebab-case form of its dictionary name), which the app uses as the anchor
//! `/help/glossary#term-<id>`.

use serde::{Deserialize, Serialize};

use crate::dictionary::{self, Column, Dataset, ENUMERATIONS, Enumeration};

/// What kind of term an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum TermKind {
    /// A column of one or more datasets (a grid column, an export header).
    Column,
    /// An enumeration: a slicer, or a column whose values are a fixed list.
    Enumeration,
    /// A measure or notion the charts show.
    Measure,
}

/// One value of an enumeration term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GlossaryValue {
    /// The value's dictionary name.
    pub name: String,
    /// What it means.
    pub description: String,
}

/// A term of the glossary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "azure-license-type",
    "name": "AzureLicenseType",
    "label": "Azure License Type",
    "kind": "enumeration",
    "description": "How the customer is licensed for Azure.",
    "valueType": "enumeration",
    "datasets": ["orders", "usage"],
    "values": [{"name": "Enterprise", "description": "Bought directly under an Enterprise Agreement."}]
})))]
pub struct GlossaryTerm {
    /// The term's stable id: its dictionary name in kebab case.
    pub id: String,
    /// The dictionary name (the export header and query-language name).
    pub name: String,
    /// The label the app shows.
    pub label: String,
    /// Column, enumeration or measure.
    pub kind: TermKind,
    /// The definition.
    pub description: String,
    /// For a column, the type of its values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    /// The datasets that have it (by slug), for a column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    /// For an enumeration, its values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<GlossaryValue>,
}

/// Terms the charts and panels use that are not a column of their own.
const MEASURES: &[(&str, &str, &str)] = &[
    (
        "NewOrders",
        "New Orders",
        "Orders purchased in the period (by Purchase Date), counted once per order.",
    ),
    (
        "NormalizedUsage",
        "Normalized Usage",
        "Usage hours normalized by the number of cores of the virtual machine size, so sizes compare.",
    ),
    (
        "RawUsage",
        "Raw Usage",
        "Usage hours as metered, whatever the virtual machine size.",
    ),
    (
        "PreviewStatus",
        "Preview Status",
        "Whether a plan is a preview (visible to a restricted audience, IsPreviewSKU true) or live.",
    ),
    (
        "TopN",
        "Top 5 / Top 10",
        "The largest entries of a ranking; the rest is summed into one \"Other\" entry so the bars add up to the total.",
    ),
    (
        "DataAsOf",
        "Data as of",
        "The time of the latest data received for the dataset; reports include everything up to then.",
    ),
];

/// The kebab-case id of a PascalCase or camelCase dictionary name
/// (`AzureLicenseType` and `azureLicenseType` both give `azure-license-type`).
pub fn term_id(name: &str) -> String {
    let mut pascal = name.to_owned();
    if let Some(first) = pascal.get(..1) {
        pascal.replace_range(..1, &first.to_ascii_uppercase());
    }
    dictionary::snake_name(&pascal).replace('_', "-")
}

/// The glossary anchor of the term for a dictionary name (a slicer parameter or a
/// column's JSON name), when the glossary has it: `term-<id>`.
pub fn anchor_for(name: &str) -> Option<String> {
    let id = term_id(name);
    // Called for every slicer and column header: compare ids without building the terms.
    let known = Dataset::ALL
        .iter()
        .flat_map(|d| d.columns())
        .any(|c| term_id(c.name) == id)
        || ENUMERATIONS.iter().any(|e| term_id(e.name) == id)
        || MEASURES.iter().any(|(n, _, _)| term_id(n) == id);
    known.then(|| format!("term-{id}"))
}

fn enumeration_values(e: &Enumeration) -> Vec<GlossaryValue> {
    e.values
        .iter()
        .map(|v| GlossaryValue {
            name: v.name.to_owned(),
            description: v.description.to_owned(),
        })
        .collect()
}

fn column_term(column: &Column) -> GlossaryTerm {
    let (kind, values) = match column.kind {
        dictionary::ColumnType::Enumeration(e) => (TermKind::Enumeration, enumeration_values(e)),
        _ => (TermKind::Column, Vec::new()),
    };
    GlossaryTerm {
        id: term_id(column.name),
        name: column.name.to_owned(),
        label: column.label.to_owned(),
        kind,
        description: column.description.to_owned(),
        value_type: Some(column.kind.label().to_owned()),
        datasets: Vec::new(),
        values,
    }
}

/// Every term, sorted by label: each column once (with the datasets that have it),
/// each enumeration (merged with the column of the same name), and the chart measures.
pub fn glossary() -> Vec<GlossaryTerm> {
    let mut terms: Vec<GlossaryTerm> = Vec::new();
    for dataset in Dataset::ALL {
        for column in dataset.columns() {
            let id = term_id(column.name);
            match terms.iter_mut().find(|t| t.id == id) {
                Some(term) => term.datasets.push(dataset.slug().to_owned()),
                None => {
                    let mut term = column_term(column);
                    term.datasets.push(dataset.slug().to_owned());
                    terms.push(term);
                }
            }
        }
    }
    for e in ENUMERATIONS {
        let id = term_id(e.name);
        match terms.iter_mut().find(|t| t.id == id) {
            Some(term) => {
                term.kind = TermKind::Enumeration;
                if term.values.is_empty() {
                    term.values = enumeration_values(e);
                }
            }
            None => terms.push(GlossaryTerm {
                id,
                name: e.name.to_owned(),
                label: e.label.to_owned(),
                kind: TermKind::Enumeration,
                description: e.description.to_owned(),
                value_type: None,
                datasets: Vec::new(),
                values: enumeration_values(e),
            }),
        }
    }
    for (name, label, description) in MEASURES {
        if terms.iter().any(|t| t.id == term_id(name)) {
            continue;
        }
        terms.push(GlossaryTerm {
            id: term_id(name),
            name: (*name).to_owned(),
            label: (*label).to_owned(),
            kind: TermKind::Measure,
            description: (*description).to_owned(),
            value_type: None,
            datasets: Vec::new(),
            values: Vec::new(),
        });
    }
    terms.sort_by_key(|t| t.label.to_ascii_lowercase());
    terms
}

/// Whether `term` matches a search text (label, name, definition or a value's name,
/// without regard to case). An empty search matches everything. The glossary is in
/// English, so case is folded for ASCII letters only: Unicode's case tables would be
/// kilobytes of the browser app's bundle for no term.
pub fn matches(term: &GlossaryTerm, search: &str) -> bool {
    let needle = search.trim().to_ascii_lowercase();
    if needle.is_empty() {
        return true;
    }
    term.label.to_ascii_lowercase().contains(&needle)
        || term.name.to_ascii_lowercase().contains(&needle)
        || term.description.to_ascii_lowercase().contains(&needle)
        || term
            .values
            .iter()
            .any(|v| v.name.to_ascii_lowercase().contains(&needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_and_enumeration_has_one_term() {
        let terms = glossary();
        for dataset in Dataset::ALL {
            for column in dataset.columns() {
                let term = terms
                    .iter()
                    .find(|t| t.id == term_id(column.name))
                    .unwrap_or_else(|| panic!("no term for {}", column.name));
                assert!(term.datasets.contains(&dataset.slug().to_owned()));
                assert!(!term.description.is_empty());
            }
        }
        for e in ENUMERATIONS {
            assert!(terms.iter().any(|t| t.id == term_id(e.name)), "{}", e.name);
        }
        let mut ids: Vec<_> = terms.iter().map(|t| t.id.clone()).collect();
        let before = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), before, "ids are unique");
    }

    #[test]
    fn slicer_parameters_link_to_terms() {
        for param in [
            "azureLicenseType",
            "marketplaceLicenseType",
            "market",
            "offerType",
            "previewStatus",
        ] {
            assert!(anchor_for(param).is_some(), "{param}");
        }
        assert_eq!(
            anchor_for("azureLicenseType").as_deref(),
            Some("term-azure-license-type")
        );
        assert_eq!(anchor_for("noSuchThing"), None);
        for term in glossary() {
            assert_eq!(anchor_for(&term.name), Some(format!("term-{}", term.id)));
        }
    }

    #[test]
    fn search_finds_by_label_and_value() {
        let terms = glossary();
        let hits: Vec<_> = terms.iter().filter(|t| matches(t, "pay as you")).collect();
        assert!(hits.iter().any(|t| t.id == "azure-license-type"));
        assert!(terms.iter().all(|t| matches(t, "  ")));
    }
}
