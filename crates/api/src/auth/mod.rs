//! Sign-in: passwords, access tokens, and the extractor every publisher endpoint uses.

pub mod caller;
pub mod handlers;
pub mod password;
pub mod token;

pub use caller::Caller;
