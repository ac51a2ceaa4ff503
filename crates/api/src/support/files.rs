//! Attachments: reading a multipart form, streaming each file to a temporary file in the
//! data folder (capped, hashed as it arrives), recognising its type by its content, and
//! moving it into place only inside the transaction that records it.
//!
//! Architecture invariant: an attachment's bytes are accepted only when its content is
//! one of the allowed types (PNG, JPEG, GIF, WebP, PDF, Excel, UTF-8 text or CSV) and
//! its name does not contradict that type. Scriptable types (HTML, SVG, XML) are
//! refused. A refused form leaves nothing behind: no row and no file.

use std::io::Write;
use std::path::{Path, PathBuf};

use actix_multipart::{Field, Multipart};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use shared::{ErrorCode, FieldError, Problem};
use uuid::Uuid;

use crate::config::Config;
use crate::error::ApiError;

/// The largest text field of a form (the request JSON, a reply's body), in bytes.
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// A type an attachment may have: its media type, a label for messages, and the file
/// name extensions that agree with it.
struct Allowed {
    media_type: &'static str,
    label: &'static str,
    extensions: &'static [&'static str],
}

const PNG: Allowed = Allowed {
    media_type: "image/png",
    label: "a PNG image",
    extensions: &["png"],
};
const JPEG: Allowed = Allowed {
    media_type: "image/jpeg",
    label: "a JPEG image",
    extensions: &["jpg", "jpeg", "jpe", "jfif"],
};
const GIF: Allowed = Allowed {
    media_type: "image/gif",
    label: "a GIF image",
    extensions: &["gif"],
};
const WEBP: Allowed = Allowed {
    media_type: "image/webp",
    label: "a WebP image",
    extensions: &["webp"],
};
const PDF: Allowed = Allowed {
    media_type: "application/pdf",
    label: "a PDF document",
    extensions: &["pdf"],
};
const XLSX: Allowed = Allowed {
    media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    label: "an Excel workbook",
    extensions: &["xlsx"],
};
const XLS: Allowed = Allowed {
    media_type: "application/vnd.ms-excel",
    label: "an Excel 97-2003 workbook",
    extensions: &["xls"],
};
const CSV: Allowed = Allowed {
    media_type: "text/csv; charset=utf-8",
    label: "CSV text",
    extensions: &["csv"],
};
const TEXT: Allowed = Allowed {
    media_type: "text/plain; charset=utf-8",
    label: "plain text",
    extensions: &["", "txt", "text", "log", "tsv", "md", "json"],
};

/// Names that a browser or desktop would run as a script or page, whatever is inside.
const SCRIPTABLE_EXTENSIONS: &[&str] = &[
    "svg", "svgz", "htm", "html", "xhtml", "xht", "shtml", "xml", "js", "mjs", "hta", "exe", "bat",
    "cmd", "com", "scr", "ps1", "vbs", "jar", "msi", "dll",
];

/// What is wrong with a file, as a problem with the right status.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Empty (422).
    Empty,
    /// Not an allowed type, or a name that contradicts the content (415).
    Type(String),
}

/// The lower-case extension of a file name (`""` when there is none).
fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Whether text starts like markup a browser would render (HTML, SVG, XML).
fn looks_like_markup(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_lowercase();
    head.starts_with('<')
        && [
            "<svg",
            "<html",
            "<!doctype",
            "<script",
            "<?xml",
            "<body",
            "<head",
            "<iframe",
        ]
        .iter()
        .any(|tag| head.contains(tag))
}

/// Whether a ZIP archive holds an Excel workbook part (`xl/workbook.xml`).
fn zip_is_workbook(bytes: &[u8]) -> bool {
    match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(archive) => archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n == "xl/workbook.xml")),
        Err(_) => false,
    }
}

/// Recognises `bytes` by content; the media type to store and serve it with, or why it
/// is refused. The name only has to agree with the content.
pub fn recognise(bytes: &[u8], file_name: &str) -> Result<&'static str, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    let ext = extension(file_name);
    if SCRIPTABLE_EXTENSIONS.contains(&ext.as_str()) {
        return Err(Refusal::Type(format!(
            "files named .{ext} are not accepted (they can run as a page or a program)"
        )));
    }
    let allowed = if infer::image::is_png(bytes) {
        &PNG
    } else if infer::image::is_jpeg(bytes) {
        &JPEG
    } else if infer::image::is_gif(bytes) {
        &GIF
    } else if infer::image::is_webp(bytes) {
        &WEBP
    } else if infer::archive::is_pdf(bytes) {
        &PDF
    } else if infer::archive::is_zip(bytes) {
        if zip_is_workbook(bytes) {
            &XLSX
        } else {
            return Err(Refusal::Type(
                "it is a ZIP archive but not an Excel workbook".to_owned(),
            ));
        }
    } else if infer::doc::is_xls(bytes) {
        &XLS
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => {
                if looks_like_markup(text) {
                    return Err(Refusal::Type(
                        "it is HTML, SVG or XML markup, which is not accepted".to_owned(),
                    ));
                }
                if ext == "csv" { &CSV } else { &TEXT }
            }
            _ => {
                return Err(Refusal::Type(
                    "its content is not an image (PNG, JPEG, GIF, WebP), a PDF, an Excel workbook, text or CSV"
                        .to_owned(),
                ));
            }
        }
    };
    if !allowed.extensions.contains(&ext.as_str()) {
        return Err(Refusal::Type(format!(
            "its content is {} but its name ends in .{ext}",
            allowed.label
        )));
    }
    Ok(allowed.media_type)
}

/// A file name as people gave it, without any path, control characters or quotes, at
/// most 200 characters.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "attachment".to_owned()
    } else {
        cleaned
    }
}

/// One uploaded file, checked, waiting in the temporary folder.
#[derive(Debug)]
pub struct StagedFile {
    /// The id it will be stored under.
    pub attachment_id: Uuid,
    /// Its cleaned name.
    pub file_name: String,
    /// The media type its content was recognised as.
    pub media_type: &'static str,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    temp: PathBuf,
}

/// The files of one form. Until [`StagedFiles::keep`] is called, dropping it deletes
/// every file it holds, whether still temporary or already moved into place, so any
/// failure (a refused file, a database error, a commit that does not happen) leaves
/// no file behind.
#[derive(Debug, Default)]
pub struct StagedFiles {
    /// The files, in the order they came.
    pub files: Vec<StagedFile>,
    placed: Vec<PathBuf>,
    kept: bool,
}

impl StagedFiles {
    /// Moves every file to `support/<publisher_id>/<attachment_id>` under the data folder.
    /// Call inside the transaction that records them, before committing it.
    pub fn place(&mut self, data_dir: &Path, publisher_id: i64) -> Result<(), ApiError> {
        let dir = attachment_dir(data_dir, publisher_id);
        if !self.files.is_empty() {
            std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
        }
        for file in &self.files {
            let target = dir.join(file.attachment_id.to_string());
            std::fs::rename(&file.temp, &target).map_err(ApiError::internal)?;
            self.placed.push(target);
        }
        Ok(())
    }

    /// The rows are committed: the files stay.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for StagedFiles {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        for file in &self.files {
            let _ = std::fs::remove_file(&file.temp);
        }
        for path in &self.placed {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Where a publisher's attachments live.
pub fn attachment_dir(data_dir: &Path, publisher_id: i64) -> PathBuf {
    data_dir.join("support").join(publisher_id.to_string())
}

/// Where an attachment's bytes live.
pub fn attachment_path(data_dir: &Path, publisher_id: i64, attachment_id: Uuid) -> PathBuf {
    attachment_dir(data_dir, publisher_id).join(attachment_id.to_string())
}

/// A multipart form of a support request or a reply: its text fields and its files.
#[derive(Debug, Default)]
pub struct Form {
    /// Text fields by name (`request`, `body`, `status`).
    pub fields: Vec<(String, String)>,
    /// The files (`files` parts), checked and staged.
    pub files: StagedFiles,
}

impl Form {
    /// The text field `name`, if sent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn bad_form(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidBody, detail)
}

fn file_problem(code: ErrorCode, name: &str, reason: String) -> ApiError {
    ApiError::Client(Box::new(
        Problem::new(
            code,
            format!("The file '{name}' was refused: {reason}. Nothing was stored."),
        )
        .with_errors(vec![FieldError {
            field: "files".to_owned(),
            line: None,
            reason: format!("{name}: {reason}"),
        }]),
    ))
}

/// Reads a multipart form with the text fields `text_fields` and up to
/// `config.support_max_files` files in `files` parts, each at most
/// `config.support_max_file_bytes`. A refused file, too many files or an unknown field
/// refuses the whole form and deletes whatever was staged.
pub async fn read_form(
    config: &Config,
    mut multipart: Multipart,
    text_fields: &[&str],
) -> Result<Form, ApiError> {
    let mut form = Form::default();
    let temp_dir = staging_dir(&config.data_dir);
    while let Some(field) = multipart.next().await {
        let field = field.map_err(|e| bad_form(format!("The form could not be read: {e}.")))?;
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" {
            if form.files.files.len() >= config.support_max_files {
                return Err(ApiError::Client(Box::new(
                    Problem::new(
                        ErrorCode::PayloadTooLarge,
                        format!(
                            "At most {} files may be attached at a time. Nothing was stored.",
                            config.support_max_files
                        ),
                    )
                    .with_errors(vec![FieldError {
                        field: "files".to_owned(),
                        line: None,
                        reason: format!("more than {} files", config.support_max_files),
                    }]),
                )));
            }
            let file = stage_file(config, &temp_dir, field).await?;
            form.files.files.push(file);
        } else if text_fields.contains(&name.as_str()) {
            if form.fields.iter().any(|(n, _)| *n == name) {
                return Err(bad_form(format!("The field '{name}' was sent twice.")));
            }
            let text = read_text(field, &name).await?;
            form.fields.push((name, text));
        } else {
            return Err(bad_form(format!(
                "Unknown form field '{name}'; this form takes: {}, files.",
                text_fields.join(", ")
            )));
        }
    }
    Ok(form)
}

async fn read_text(mut field: Field, name: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| bad_form(format!("The form could not be read: {e}.")))?;
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("The field '{name}' is longer than {MAX_TEXT_FIELD} bytes."),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| bad_form(format!("The field '{name}' is not UTF-8 text.")))
}

/// A temporary file that is deleted when dropped, unless handed over.
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Where uploads are staged until the request or reply they belong to commits.
pub fn staging_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("support").join("tmp")
}

/// How old a staged upload must be before a start-up sweep deletes it: an upload in
/// flight (a few files of at most tens of MB) is never that old.
const STALE_UPLOAD: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes the staged uploads that a crash or a kill left behind mid-upload (older than
/// an hour, so that another process's upload in flight is left alone); how many.
pub fn sweep_stale_uploads(data_dir: &Path) -> std::io::Result<usize> {
    let dir = staging_dir(data_dir);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        let age = meta.modified()?.elapsed().unwrap_or_default();
        if meta.is_file() && age >= STALE_UPLOAD {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

async fn stage_file(
    config: &Config,
    temp_dir: &Path,
    mut field: Field,
) -> Result<StagedFile, ApiError> {
    let raw_name = field
        .content_disposition()
        .and_then(|d| d.get_filename())
        .unwrap_or_default()
        .to_owned();
    let file_name = clean_file_name(&raw_name);
    let limit = config.support_max_file_bytes;
    std::fs::create_dir_all(temp_dir).map_err(ApiError::internal)?;
    let attachment_id = Uuid::new_v4();
    let temp = temp_dir.join(format!("{attachment_id}.part"));
    let mut guard = TempGuard(Some(temp.clone()));
    let mut out = std::fs::File::create(&temp).map_err(ApiError::internal)?;
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| bad_form(format!("The form could not be read: {e}.")))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(file_problem(
                ErrorCode::PayloadTooLarge,
                &file_name,
                format!("it is larger than {} MB", limit as f64 / 1_048_576.0),
            ));
        }
        hasher.update(&chunk);
        out.write_all(&chunk).map_err(ApiError::internal)?;
    }
    out.flush().map_err(ApiError::internal)?;
    drop(out);
    // At most `limit` bytes: the whole file is checked, so text is valid UTF-8 to the end.
    let bytes = std::fs::read(&temp).map_err(ApiError::internal)?;
    let media_type = match recognise(&bytes, &file_name) {
        Ok(media_type) => media_type,
        Err(Refusal::Empty) => {
            return Err(file_problem(
                ErrorCode::Unprocessable,
                &file_name,
                "it is empty".to_owned(),
            ));
        }
        Err(Refusal::Type(reason)) => {
            return Err(file_problem(
                ErrorCode::UnsupportedMediaType,
                &file_name,
                reason,
            ));
        }
    };
    guard.0 = None;
    Ok(StagedFile {
        attachment_id,
        file_name,
        media_type,
        size,
        sha256: hex::encode(hasher.finalize()),
        temp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_up_sweep_deletes_only_stale_staged_uploads() {
        let data = tempfile::tempdir().unwrap();
        assert_eq!(
            sweep_stale_uploads(data.path()).unwrap(),
            0,
            "no folder yet"
        );
        let dir = staging_dir(data.path());
        std::fs::create_dir_all(&dir).unwrap();
        let stale = dir.join("stale.part");
        let live = dir.join("live.part");
        std::fs::write(&stale, b"half an upload").unwrap();
        std::fs::write(&live, b"an upload in flight").unwrap();
        let two_hours_ago = std::time::SystemTime::now() - 2 * STALE_UPLOAD;
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        assert_eq!(sweep_stale_uploads(data.path()).unwrap(), 1);
        assert!(!stale.exists());
        assert!(live.exists());
    }

    const PNG_BYTES: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    #[test]
    fn recognises_by_content() {
        assert_eq!(recognise(PNG_BYTES, "shot.png"), Ok("image/png"));
        assert_eq!(recognise(b"%PDF-1.7\n...", "a.pdf"), Ok("application/pdf"));
        assert_eq!(
            recognise(b"a,b\n1,2\n", "data.csv"),
            Ok("text/csv; charset=utf-8")
        );
        assert_eq!(
            recognise(b"hello", "notes.txt"),
            Ok("text/plain; charset=utf-8")
        );
    }

    #[test]
    fn refuses_liars_and_scripts() {
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
        assert!(matches!(recognise(exe, "shot.png"), Err(Refusal::Type(_))));
        assert!(matches!(
            recognise(PNG_BYTES, "shot.pdf"),
            Err(Refusal::Type(_))
        ));
        assert!(matches!(
            recognise(b"just text", "shot.png"),
            Err(Refusal::Type(_))
        ));
        let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
        assert!(matches!(recognise(svg, "pic.txt"), Err(Refusal::Type(_))));
        assert!(matches!(
            recognise(b"<!DOCTYPE html><html><script>1</script>", "a.txt"),
            Err(Refusal::Type(_))
        ));
        assert!(matches!(
            recognise(PNG_BYTES, "pic.svg"),
            Err(Refusal::Type(_))
        ));
        assert!(matches!(
            recognise(b"PK\x03\x04rest", "a.xlsx"),
            Err(Refusal::Type(_))
        ));
        assert_eq!(recognise(b"", "a.txt"), Err(Refusal::Empty));
    }

    #[test]
    fn file_names_lose_paths_and_controls() {
        assert_eq!(clean_file_name("C:\\Users\\x\\shot.png"), "shot.png");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b\n.txt"), "ab.txt");
        assert_eq!(clean_file_name("..."), "attachment");
    }
}
