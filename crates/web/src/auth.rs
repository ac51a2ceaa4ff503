//! Who is signed in: the session in a Leptos context, mirrored to `sessionStorage`.
//!
//! `sessionStorage` keeps the access token across reloads of the tab but not beyond the
//! tab's life. The longer-lived session is the refresh token in an HttpOnly cookie the
//! app never sees: a new tab resumes with it, and an expired access token is renewed
//! with it silently (see [`crate::api`]).

use std::rc::Rc;

use futures_util::FutureExt;
use futures_util::future::{LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::{CurrentUser, Permission, Role, Session};

use crate::api::{Client, Renew};

/// The `sessionStorage` key the session is kept under.
const STORAGE_KEY: &str = "seller-insights.session";
/// A `localStorage` mark that this browser holds a refresh cookie (which the app cannot
/// see), so that a new tab asks to resume only when there may be something to resume.
const RESUMABLE_KEY: &str = "seller-insights.resumable";

type Renewal = Shared<LocalBoxFuture<'static, Option<String>>>;

/// The session state of the app, shared through context (see [`use_auth`]).
#[derive(Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
    /// True while the app asks the server whether a refresh cookie still holds a
    /// session (on start, without a session in this tab).
    resuming: RwSignal<bool>,
    /// Set when the user pressed Sign out, so that the redirect to the sign-in page does
    /// not offer to come back to the page they deliberately left.
    signed_out_by_user: StoredValue<bool>,
    /// The renewal under way, shared by every request that met an expired token: the
    /// refresh token rotates on use, so two renewals at once would look like theft.
    renewal: StoredValue<Option<Renewal>, LocalStorage>,
}

impl Auth {
    /// Restores the session saved in this tab, if any, and provides the state as context.
    pub fn provide() -> Self {
        let auth = Self {
            session: RwSignal::new(load_session()),
            resuming: RwSignal::new(false),
            signed_out_by_user: StoredValue::new(false),
            renewal: StoredValue::new_local(None),
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

    /// Whether the app is still finding out if a session can be resumed (reactive).
    pub fn is_resuming(&self) -> bool {
        self.resuming.get()
    }

    /// Whether the signed-in user is an Administrator of their publisher (reactive).
    pub fn is_administrator(&self) -> bool {
        self.session.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.user.role == Role::Administrator)
        })
    }

    /// Whether the signed-in user may read `area` (reactive).
    pub fn can(&self, area: Permission) -> bool {
        self.session
            .with(|s| s.as_ref().is_some_and(|s| s.user.can(area)))
    }

    /// An API client carrying the current access token, which renews it once when the
    /// server refuses it, and ends the session when that fails.
    pub fn client(&self) -> Client {
        let Some(token) = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.access_token.clone()))
        else {
            return Client::anonymous();
        };
        let auth = *self;
        let renew: Renew = Rc::new(move |refused: String| auth.renew(refused).boxed_local());
        Client::with_token(token, renew)
    }

    /// A token to use instead of `refused`: the current one if the session has moved on
    /// meanwhile, else a renewed one; `None` ends the session.
    async fn renew(self, refused: String) -> Option<String> {
        let current = self
            .session
            .try_with_untracked(|s| s.as_ref().map(|s| s.access_token.clone()))
            .flatten()?;
        if current != refused {
            return Some(current);
        }
        let renewal = match self.renewal.try_get_value().flatten() {
            Some(renewal) => renewal,
            None => {
                let renewal = async move {
                    let renewed = match Client::anonymous().refresh().await {
                        Ok(session) => {
                            let token = session.access_token.clone();
                            self.sign_in(session);
                            Some(token)
                        }
                        Err(_) => {
                            self.forget();
                            None
                        }
                    };
                    self.renewal.try_set_value(None);
                    renewed
                }
                .boxed_local()
                .shared();
                self.renewal.try_set_value(Some(renewal.clone()));
                renewal
            }
        };
        renewal.await
    }

    /// Without a session in this tab, asks the server whether the refresh cookie still
    /// holds one (another tab, a reload after the tab closed).
    pub fn resume(&self) {
        if self.session.with_untracked(Option::is_some) {
            self.refresh_user();
            return;
        }
        if !resumable() {
            return;
        }
        let auth = *self;
        auth.resuming.set(true);
        spawn_local(async move {
            if let Ok(session) = Client::anonymous().refresh().await {
                auth.sign_in(session);
            }
            auth.resuming.try_set(false);
        });
    }

    /// Starts a session after a successful sign-in.
    pub fn sign_in(&self, session: Session) {
        save_session(Some(&session));
        self.signed_out_by_user.set_value(false);
        self.session.set(Some(session));
    }

    /// Ends the session here and on the server.
    pub fn sign_out(&self) {
        // The server revokes the refresh tokens, found by the access token or, if that
        // has expired, by the refresh cookie the request carries anyway.
        let client = self.client().without_renewal();
        self.signed_out_by_user.set_value(true);
        self.forget();
        spawn_local(async move {
            let _ = client.sign_out().await;
        });
    }

    /// Asks the server who the user is now, so that a restored session picks up
    /// changed permissions, and a token that has expired meanwhile is renewed or ends.
    pub fn refresh_user(&self) {
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

/// Where a user lands after signing in: the first report area they may read.
pub fn landing_path(user: Option<&CurrentUser>) -> &'static str {
    let Some(user) = user else {
        return "/summary";
    };
    if user.can(Permission::Summary) {
        "/summary"
    } else if user.can(Permission::Orders) || user.can(Permission::Usage) {
        "/orders-usage"
    } else if user.can(Permission::Customers) {
        "/customer"
    } else if user.can(Permission::Licenses) {
        "/licenses"
    } else {
        "/help"
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn resumable() -> bool {
    local_storage()
        .and_then(|s| s.get_item(RESUMABLE_KEY).ok().flatten())
        .is_some()
}

fn load_session() -> Option<Session> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Writes the session (or its absence) through to `sessionStorage`. Storage can be
/// unavailable (private modes, quotas); the app then works for the life of the page.
fn save_session(session: Option<&Session>) {
    if let Some(local) = local_storage() {
        let _ = match session {
            Some(_) => local.set_item(RESUMABLE_KEY, "1"),
            None => local.remove_item(RESUMABLE_KEY),
        };
    }
    let Some(storage) = storage() else { return };
    let _ = match session.and_then(|s| serde_json::to_string(s).ok()) {
        Some(text) => storage.set_item(STORAGE_KEY, &text),
        None => storage.remove_item(STORAGE_KEY),
    };
}
