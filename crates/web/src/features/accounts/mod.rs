//! Pages reached from mailed links, and the signed-in user's own password:
//! accepting an invitation, asking for and completing a password reset, changing one's
//! password.

mod invitation_page;
mod password_pages;

pub use invitation_page::AcceptInvitationPage;
pub use password_pages::{ChangePasswordPage, ForgotPasswordPage, ResetPasswordPage};

use leptos::prelude::*;

/// The token a mailed link carries after `#token=`. The fragment never reaches the
/// server's logs or a Referer header.
pub fn link_token() -> Option<String> {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let token = hash.trim_start_matches('#').strip_prefix("token=")?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// The new-password and confirmation fields, with the rules said up front.
#[component]
pub fn NewPasswordFields(password: RwSignal<String>, confirm: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="new-password">"New password"</label>
            <input
                id="new-password"
                name="new-password"
                type="password"
                autocomplete="new-password"
                minlength="12"
                required
                aria-describedby="password-rules"
                bind:value=password
            />
            <p id="password-rules" class="field-hint">
                "At least 12 characters. A few unrelated words make a strong password; commonly used passwords are refused."
            </p>
        </div>
        <div class="field">
            <label for="confirm-password">"Confirm password"</label>
            <input
                id="confirm-password"
                name="confirm-password"
                type="password"
                autocomplete="new-password"
                required
                bind:value=confirm
            />
        </div>
    }
}

/// Why the two passwords cannot be sent yet, if they cannot.
pub fn password_mismatch(password: &str, confirm: &str) -> Option<&'static str> {
    if password.chars().count() < 12 {
        Some("Use at least 12 characters.")
    } else if password != confirm {
        Some("The two passwords differ.")
    } else {
        None
    }
}
