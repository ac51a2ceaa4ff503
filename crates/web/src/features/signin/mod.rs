//! Signing in with email and password.

mod signin_page;

pub use signin_page::{SignInPage, sign_in_path_returning_to};
