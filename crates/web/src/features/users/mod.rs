//! User Management (Administrators): the users list, the add-user wizard, editing a
//! user, publisher settings, integrations (API clients) and the audit log.

mod add_user_page;
mod audit_page;
mod edit_user_page;
mod integrations_page;
mod settings_page;
mod users_page;

pub use add_user_page::AddUserPage;
pub use audit_page::AuditLogPage;
pub use edit_user_page::EditUserPage;
pub use integrations_page::IntegrationsPage;
pub use settings_page::SettingsPage;
pub use users_page::UsersPage;

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use shared::auth::Permission;

use crate::auth::use_auth;
use crate::components::layout::set_page_title;

/// The User Management frame: its own navigation, and only for Administrators.
#[component]
pub fn UserManagement() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Show
            when=move || auth.is_administrator()
            fallback=|| {
                set_page_title("User Management");
                view! {
                    <div class="page-header">
                        <h1>"User Management"</h1>
                    </div>
                    <section class="card placeholder" role="alert" data-testid="no-access">
                        <p class="placeholder-title">"Administrators only"</p>
                        <p>"Ask an Administrator of your publisher to add users or change permissions."</p>
                    </section>
                }
            }
        >
            <div class="page-header">
                <h1>"User Management"</h1>
            </div>
            <nav class="subtabs" aria-label="User Management">
                <A href="/users" exact=true>"Users"</A>
                <A href="/users/new">"Add user"</A>
                <A href="/users/settings">"Settings"</A>
                <A href="/users/integrations">"Integrations"</A>
                <A href="/users/audit">"Audit log"</A>
            </nav>
            <Outlet/>
        </Show>
    }
}

/// The permissions as checkboxes (`name="permission"`, one per report area), with the
/// Administrator role as a switch that implies them all.
#[component]
pub fn PermissionPicker(
    administrator: RwSignal<bool>,
    permissions: RwSignal<Vec<Permission>>,
) -> impl IntoView {
    view! {
        <fieldset class="permissions">
            <legend>"Role and permissions"</legend>
            <label class="check">
                <input id="role-administrator" type="checkbox" bind:checked=administrator/>
                " Administrator (every permission, and User Management)"
            </label>
            <p class="field-hint">"Read access to each report area:"</p>
            {Permission::ALL
                .iter()
                .map(|&p| {
                    let checked = move || administrator.get() || permissions.with(|list| list.contains(&p));
                    let toggle = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        permissions.update(|list| {
                            list.retain(|x| *x != p);
                            if on {
                                list.push(p);
                                list.sort();
                            }
                        });
                    };
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                name="permission"
                                value=p.name()
                                prop:checked=checked
                                disabled=move || administrator.get()
                                on:change=toggle
                            />
                            " " {p.name()}
                            {(p == Permission::Customers).then_some(" (customer names, emails and other personal data)")}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// Permissions in words.
pub fn describe(permissions: &[Permission]) -> String {
    if permissions.is_empty() {
        "None".to_owned()
    } else {
        permissions
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
