//! `/privacy`: the instance's privacy policy, readable signed in or not.

use leptos::prelude::*;

use crate::api::Client;
use crate::components::feedback::{ErrorNotice, Loading};
use crate::components::layout::{APP_NAME, set_page_title};

/// The privacy policy page.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    set_page_title("Privacy policy");
    let policy = LocalResource::new(|| async { Client::anonymous().privacy_policy().await });
    view! {
        <main id="main" class="page standalone">
            <p><a href="/">{APP_NAME}</a></p>
            <section class="card privacy" data-testid="privacy-policy">
                <h1>"Privacy policy"</h1>
                <Suspense fallback=|| view! { <Loading/> }>
                    {move || Suspend::new(async move {
                        match policy.await {
                            Err(problem) => view! { <ErrorNotice problem=problem/> }.into_any(),
                            Ok(p) => p
                                .text
                                .split("\n\n")
                                .map(|para| view! { <p>{para.trim().to_owned()}</p> })
                                .collect_view()
                                .into_any(),
                        }
                    })}
                </Suspense>
                <p><a href="/help/support">"Contact Us"</a></p>
            </section>
        </main>
    }
}
