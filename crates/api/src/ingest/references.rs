//! References between datasets: the customers, offers and plans a row names must be ones
//! the publisher has (stored) or the batch itself brings.
//!
//! Dimensions first, facts after, as a warehouse is loaded:
//!
//! 1. **Customers** rows bring customers (`CustomerId`). Their `OfferName`, `PlanId` and
//!    `Sku` describe the subscription as the marketplace's customer record states it and
//!    are not checked: offers come from orders and usage, which need their customers
//!    first, so checking them would make a fresh publisher impossible to load.
//! 2. **Orders** and **usage** rows bring offers (`OfferId` with its `OfferName` and
//!    `OfferType`) and plans (`OfferId` and `Sku`). Their `CustomerId` must be a stored
//!    customer, and an offer keeps its type: a row giving a stored offer, or an offer an
//!    earlier row of the batch brought, another `OfferType` is refused.
//! 3. **Licenses** rows name a stored customer (`CustomerId`), offer (`ProductId` is the
//!    `OfferId`) and plan (`PlanName` is the `Sku`), with the offer's `OfferType`.
//!    **Payouts** rows name a stored customer (`CustomerId`) and an offer by its
//!    `OfferName` with one of its plans (`Sku`) and its `OfferType`.
//!
//! Everything is per publisher: another publisher's customer or offer never satisfies a
//! reference. The publisher's keys are read once per batch ([`Known::load`]: the
//! customers' ids, the offers and plans), so a row costs a few hash lookups; memory
//! follows the publisher's number of customers and plans, not the batch's size.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use shared::dictionary::Dataset;

use crate::db::entities::{customers, licenses, offers, orders, payouts, plans, usage};
use crate::store::FactBatch;

/// Where an offer's type was learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// The publisher's stored offers.
    Stored,
    /// A row of this batch, on this line.
    Line(u64),
}

/// An offer as far as references go.
#[derive(Clone, Debug)]
struct Offer {
    offer_type: String,
    origin: Origin,
    /// Its names (more than one once renamed within a batch).
    names: Vec<String>,
    /// Its plans.
    skus: HashSet<String>,
}

/// The customers, offers and plans one publisher has, plus those the batch brought so far.
#[derive(Debug, Default)]
pub struct Known {
    customers: HashSet<String>,
    /// Offers by id.
    offers: HashMap<String, Offer>,
    /// Offer ids by name (payouts name an offer by its name only).
    names: HashMap<String, Vec<String>>,
}

/// A row's reference problems: (column, reason).
pub type Problems = Vec<(&'static str, String)>;

impl Known {
    /// The keys of `publisher_id` that rows of `dataset` may name, read once.
    pub async fn load(
        db: &DatabaseConnection,
        publisher_id: i64,
        dataset: Dataset,
    ) -> Result<Self, DbErr> {
        let mut known = Known::default();
        let want_plans = match dataset {
            Dataset::Customers => return Ok(known),
            Dataset::Orders | Dataset::Usage => false,
            Dataset::Licenses | Dataset::Payouts => true,
        };
        let ids: Vec<String> = customers::Entity::find()
            .select_only()
            .column(customers::Column::CustomerId)
            .distinct()
            .filter(customers::Column::PublisherId.eq(publisher_id))
            .into_tuple()
            .all(db)
            .await?;
        known.customers = ids.into_iter().collect();
        let stored: Vec<(String, String, String)> = offers::Entity::find()
            .select_only()
            .column(offers::Column::OfferId)
            .column(offers::Column::OfferName)
            .column(offers::Column::OfferType)
            .filter(offers::Column::PublisherId.eq(publisher_id))
            .into_tuple()
            .all(db)
            .await?;
        for (offer_id, offer_name, offer_type) in stored {
            known.note_offer(offer_id, offer_name, offer_type, Origin::Stored);
        }
        if want_plans {
            let stored: Vec<(String, String)> = plans::Entity::find()
                .select_only()
                .column(plans::Column::OfferId)
                .column(plans::Column::Sku)
                .filter(plans::Column::PublisherId.eq(publisher_id))
                .into_tuple()
                .all(db)
                .await?;
            for (offer_id, sku) in stored {
                if let Some(offer) = known.offers.get_mut(&offer_id) {
                    offer.skus.insert(sku);
                }
            }
        }
        Ok(known)
    }

    fn note_offer(&mut self, offer_id: String, name: String, offer_type: String, origin: Origin) {
        self.names
            .entry(name.clone())
            .or_default()
            .push(offer_id.clone());
        self.offers.insert(
            offer_id,
            Offer {
                offer_type,
                origin,
                names: vec![name],
                skus: HashSet::new(),
            },
        );
    }

    fn check_customer(&self, customer_id: &str, problems: &mut Problems) {
        if !self.customers.contains(customer_id) {
            problems.push((
                "CustomerId",
                format!(
                    "CustomerId \"{customer_id}\" is not a customer of this publisher; ingest the customers dataset first"
                ),
            ));
        }
    }

    /// An orders or usage row: a stored customer; the offer it brings keeps its type.
    #[allow(clippy::too_many_arguments)]
    fn check_activity(
        &mut self,
        line: u64,
        customer_id: &str,
        offer_id: &str,
        offer_name: &str,
        offer_type: &str,
        sku: &str,
        problems: &mut Problems,
    ) {
        self.check_customer(customer_id, problems);
        let Some(offer) = self.offers.get_mut(offer_id) else {
            self.note_offer(
                offer_id.to_owned(),
                offer_name.to_owned(),
                offer_type.to_owned(),
                Origin::Line(line),
            );
            if let Some(offer) = self.offers.get_mut(offer_id) {
                offer.skus.insert(sku.to_owned());
            }
            return;
        };
        if offer.offer_type != offer_type {
            let said = match offer.origin {
                Origin::Stored => "as stored".to_owned(),
                Origin::Line(l) => format!("as line {l} of this batch says"),
            };
            problems.push((
                "OfferType",
                format!(
                    "offer \"{offer_id}\" is a {} offer ({said}); an offer cannot change its type to {offer_type}",
                    offer.offer_type
                ),
            ));
            return;
        }
        if !offer.skus.contains(sku) {
            offer.skus.insert(sku.to_owned());
        }
        if !offer.names.iter().any(|n| n == offer_name) {
            // Renamed: payouts may name it either way from now on.
            offer.names.push(offer_name.to_owned());
            self.names
                .entry(offer_name.to_owned())
                .or_default()
                .push(offer_id.to_owned());
        }
    }

    fn check_offer_type(expected: &[&str], offer: &str, offer_type: &str, problems: &mut Problems) {
        if !expected.contains(&offer_type) {
            problems.push((
                "OfferType",
                format!(
                    "offer \"{offer}\" is a {} offer, not {offer_type}",
                    expected.join(" or ")
                ),
            ));
        }
    }
}

/// A row whose references can be checked.
pub trait References {
    /// Checks the row's references against `known`, adding each problem to `problems`,
    /// and notes what the row brings (so later rows of the batch may name it).
    fn check_references(&self, known: &mut Known, line: u64, problems: &mut Problems);
}

impl References for customers::Model {
    /// A customers row names nothing that must exist. The customers it brings are not
    /// noted: no row of the same batch names one, and noting them would make memory
    /// follow the batch's size ([`check_batch`] notes them between batches).
    fn check_references(&self, _known: &mut Known, _line: u64, _problems: &mut Problems) {}
}

impl References for orders::Model {
    fn check_references(&self, known: &mut Known, line: u64, problems: &mut Problems) {
        known.check_activity(
            line,
            &self.customer_id,
            &self.offer_id,
            &self.offer_name,
            &self.offer_type,
            &self.sku,
            problems,
        );
    }
}

impl References for usage::Model {
    fn check_references(&self, known: &mut Known, line: u64, problems: &mut Problems) {
        // Reports count a usage row in its MonthStartDate's month and list it by its
        // UsageDate: the two must agree.
        if self.month_start_date.day() == 1
            && (self.month_start_date.year(), self.month_start_date.month())
                != (self.usage_date.year(), self.usage_date.month())
        {
            problems.push((
                "MonthStartDate",
                format!(
                    "{} is not the month of UsageDate {}",
                    self.month_start_date, self.usage_date
                ),
            ));
        }
        known.check_activity(
            line,
            &self.customer_id,
            &self.offer_id,
            &self.offer_name,
            &self.offer_type,
            &self.sku,
            problems,
        );
    }
}

impl References for licenses::Model {
    fn check_references(&self, known: &mut Known, _line: u64, problems: &mut Problems) {
        known.check_customer(&self.customer_id, problems);
        let Some(offer) = known.offers.get(&self.product_id) else {
            problems.push((
                "ProductId",
                format!(
                    "ProductId \"{}\" is not an offer of this publisher (the OfferId of its orders or usage); ingest those first",
                    self.product_id
                ),
            ));
            return;
        };
        if !offer.skus.contains(&self.plan_name) {
            problems.push((
                "PlanName",
                format!(
                    "PlanName \"{}\" is not a plan of offer \"{}\" (the Sku of its orders or usage)",
                    self.plan_name, self.product_id
                ),
            ));
        }
        Known::check_offer_type(
            &[offer.offer_type.as_str()],
            &self.product_id,
            &self.offer_type,
            problems,
        );
    }
}

impl References for payouts::Model {
    fn check_references(&self, known: &mut Known, _line: u64, problems: &mut Problems) {
        known.check_customer(&self.customer_id, problems);
        let Some(ids) = known.names.get(&self.offer_name) else {
            problems.push((
                "OfferName",
                format!(
                    "OfferName \"{}\" is not an offer of this publisher (the OfferName of its orders or usage); ingest those first",
                    self.offer_name
                ),
            ));
            return;
        };
        let named: Vec<&Offer> = ids.iter().filter_map(|id| known.offers.get(id)).collect();
        if !named.iter().any(|o| o.skus.contains(&self.sku)) {
            problems.push((
                "Sku",
                format!(
                    "Sku \"{}\" is not a plan of offer \"{}\"",
                    self.sku, self.offer_name
                ),
            ));
        }
        let mut types: Vec<&str> = named.iter().map(|o| o.offer_type.as_str()).collect();
        types.sort_unstable();
        types.dedup();
        Known::check_offer_type(&types, &self.offer_name, &self.offer_type, problems);
    }
}

/// Checks a whole batch's references in order and notes what it brings (its customers
/// too, for the batches after it); the first problem as text. The demo generator checks
/// its own batches with this, starting from an empty publisher.
pub fn check_batch(known: &mut Known, batch: &FactBatch) -> Result<(), String> {
    fn rows<M: References>(known: &mut Known, rows: &[M]) -> Result<(), String> {
        let mut problems = Problems::new();
        for (i, row) in rows.iter().enumerate() {
            row.check_references(known, i as u64 + 1, &mut problems);
            if let Some((column, reason)) = problems.first() {
                return Err(format!("row {}, {column}: {reason}", i + 1));
            }
        }
        Ok(())
    }
    match batch {
        FactBatch::Orders(r) => rows(known, r),
        FactBatch::Usage(r) => rows(known, r),
        FactBatch::Customers(r) => {
            rows(known, r)?;
            known
                .customers
                .extend(r.iter().map(|c| c.customer_id.clone()));
            Ok(())
        }
        FactBatch::Licenses(r) => rows(known, r),
        FactBatch::Payouts(r) => rows(known, r),
    }
}
