//! Who is signed in: the session in a Leptos context, mirrored to `sessionStorage`.
//!
//! `sessionStorage` keeps the session across reloads of the tab but not beyond the
//! tab's life, which suits a bearer token that should not outlive the visit.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::{CurrentUser, Role, Session};

use crate::api::Client;

/// The `sessionStorage` key the session is kept under.
const STORAGE_KEY: &str = "seller-insights.session";

/// The session state of the app, shared through context (see [`use_auth`]).
#[derive(Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
    /// Set when the user pressed Sign out, so that the redirect to the sign-in page does
    /// not offer to come back to the page they deliberately left.
    signed_out_by_user: StoredValue<bool>,
}

impl Auth {
    /// Restores the session saved in this tab, if any, and provides the state as context.
    pub fn provide() -> Self {
        let auth = Self {
            session: RwSignal::new(load_session()),
            signed_out_by_user: StoredValue::new(false),
        };
        provide_context(auth);
        auth
    }

    /// The signed-in user (reactive).
    pub fn user(&self) -> Option<CurrentUser> {
        self.session.with(|s| s.as_ref().map(|s| s.user.clone()))
    }

    /// Whether someone is signed in (reactive).
    pub fn is_signed_in(&self) -> bool {
        self.session.with(Option::is_some)
    }

    /// Whether the signed-in user is an Administrator of their publisher (reactive).
    pub fn is_administrator(&self) -> bool {
        self.session.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.user.role == Role::Administrator)
        })
    }

    /// An API client carrying the current access token. A 401 answer to any of its
    /// requests ends the session, which sends the user to the sign-in page.
    pub fn client(&self) -> Client {
        let Some(token) = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.access_token.clone()))
        else {
            return Client::anonymous();
        };
        let auth = *self;
        let sent = token.clone();
        Client::with_token(token, move || {
            // A late answer to a request made with an earlier token must not end the
            // session of whoever has signed in since.
            let current = auth
                .session
                .try_with_untracked(|s| s.as_ref().map(|s| s.access_token == sent));
            if current == Some(Some(true)) {
                auth.forget();
            }
        })
    }

    /// Starts a session after a successful sign-in.
    pub fn sign_in(&self, session: Session) {
        save_session(Some(&session));
        self.signed_out_by_user.set_value(false);
        self.session.set(Some(session));
    }

    /// Ends the session here and on the server.
    pub fn sign_out(&self) {
        let client = self.client();
        self.signed_out_by_user.set_value(true);
        self.forget();
        // The local session is already gone; the server call only revokes the token
        // early, so its failure changes nothing for the user.
        spawn_local(async move {
            let _ = client.sign_out().await;
        });
    }

    /// Asks the server who the user is now, so that a restored session picks up
    /// changed permissions, and a token that has expired meanwhile ends at once.
    pub fn refresh_user(&self) {
        if !self.session.with_untracked(Option::is_some) {
            return;
        }
        let client = self.client();
        let auth = *self;
        spawn_local(async move {
            if let Ok(user) = client.me().await {
                auth.session.update(|s| {
                    if let Some(session) = s {
                        session.user = user;
                        save_session(Some(session));
                    }
                });
            }
        });
    }

    /// Takes the "signed out on purpose" mark, leaving it cleared.
    pub fn take_signed_out_by_user(&self) -> bool {
        let value = self.signed_out_by_user.get_value();
        self.signed_out_by_user.set_value(false);
        value
    }

    fn forget(&self) {
        save_session(None);
        self.session.try_set(None);
    }
}

/// The app's session state; [`Auth::provide`] must have run in an ancestor.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn load_session() -> Option<Session> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Writes the session (or its absence) through to `sessionStorage`. Storage can be
/// unavailable (private modes, quotas); the app then works for the life of the page.
fn save_session(session: Option<&Session>) {
    let Some(storage) = storage() else { return };
    let _ = match session.and_then(|s| serde_json::to_string(s).ok()) {
        Some(text) => storage.set_item(STORAGE_KEY, &text),
        None => storage.remove_item(STORAGE_KEY),
    };
}
