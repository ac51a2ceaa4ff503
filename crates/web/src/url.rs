//! Addresses of the app's own pages. Each page keeps its whole view state in its query
//! string; this builds that string from the same pairs the page reads back.

/// `path` with `pairs` as its query string, each value percent-encoded.
pub fn href(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{query}")
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}
