//! Sign-in: passwords, access tokens, and the extractor every publisher endpoint uses.

pub mod caller;
pub mod handlers;
pub mod password;
pub mod policy;
pub mod refresh;
pub mod secret;
pub mod session;
pub mod throttle;
pub mod token;

pub use caller::Caller;
