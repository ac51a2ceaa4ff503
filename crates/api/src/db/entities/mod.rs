//! sea-orm entities, one per table.
//!
//! Architecture invariant: every publisher-owned table has `publisher_id` first in its
//! primary key and in each of its indexes, so every query of publisher data is a range
//! scan within one publisher, and the schema can be distributed by publisher.
//!
//! Storage conventions: enumerations are stored as their dictionary names; money and
//! decimal quantities (usage hours, amounts) as whole numbers of ten-thousandths
//! (`Fixed4`), so rollups add and subtract exactly; dates as `DATE`; timestamps in UTC.

pub mod account_tokens;
pub mod api_clients;
pub mod audit_log;
pub mod customer_names;
pub mod customer_subscriptions;
pub mod customers;
pub mod data_freshness;
pub mod feedback;
pub mod ingest_batches;
pub mod licenses;
pub mod mail_outbox;
pub mod offer_names;
pub mod offers;
pub mod orders;
pub mod payouts;
pub mod plans;
pub mod publishers;
pub mod refresh_tokens;
pub mod rollup_customer_orders;
pub mod rollup_orders;
pub mod rollup_payouts;
pub mod rollup_usage;
pub mod sign_in_throttle;
pub mod support_attachments;
pub mod support_messages;
pub mod support_requests;
pub mod support_sequence;
pub mod usage;
pub mod users;
