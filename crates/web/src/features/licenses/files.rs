//! Saving a file the server made, and putting a PNG on the clipboard (browser APIs that
//! web-sys exposes only behind unstable flags, so a few lines of JavaScript do it).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let pending = null;
export function clipboard_begin() {
  let resolve, reject;
  const blob = new Promise((res, rej) => { resolve = res; reject = rej; });
  pending = { resolve, reject };
  // The item is handed over now, while the click still counts as the user's gesture;
  // its image follows when the server has drawn it.
  return navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
}
export function clipboard_supply(bytes) {
  if (pending) { pending.resolve(new Blob([bytes], { type: 'image/png' })); pending = null; }
}
export function clipboard_fail(message) {
  if (pending) { pending.reject(new Error(message)); pending = null; }
}
export function save_file(bytes, type, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn clipboard_begin() -> Result<js_sys::Promise, JsValue>;
    fn clipboard_supply(bytes: &[u8]);
    fn clipboard_fail(message: &str);
    fn save_file(bytes: &[u8], media_type: &str, name: &str);
}

/// Offers `bytes` to the user as a download named `name`.
pub fn save(bytes: &[u8], media_type: &str, name: &str) {
    save_file(bytes, media_type, name);
}

/// A clipboard write of one PNG, begun during the user's click.
pub struct ClipboardPng {
    written: js_sys::Promise,
}

impl ClipboardPng {
    /// Begins the write; `Err` when the browser has no Clipboard API for images.
    pub fn begin() -> Result<Self, String> {
        clipboard_begin()
            .map(|written| ClipboardPng { written })
            .map_err(|_| "This browser cannot copy images to the clipboard.".to_owned())
    }

    /// Supplies the image (or the reason there is none) and waits for the write.
    pub async fn finish(self, png: Result<Vec<u8>, String>) -> Result<(), String> {
        match png {
            Ok(bytes) => clipboard_supply(&bytes),
            Err(reason) => clipboard_fail(&reason),
        }
        wasm_bindgen_futures::JsFuture::from(self.written)
            .await
            .map(drop)
            .map_err(|e| {
                e.as_string()
                    .or_else(|| {
                        js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                            .ok()
                            .and_then(|m| m.as_string())
                    })
                    .unwrap_or_else(|| "The image could not be copied.".to_owned())
            })
    }
}
