//! The Seller Insights Portal browser app: a client-side rendered Leptos app, built with
//! Trunk and served by the `api` binary from `crates/web/dist`.

mod api;
mod app;
mod auth;
mod components;
mod features;
mod format;
mod url;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
