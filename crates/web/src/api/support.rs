//! Support requests, feedback and the privacy policy: the client calls of the Help pages.

use gloo_net::http::Method;
use shared::Problem;
use shared::support::{
    NewFeedback, NewSupportRequest, PrivacyPolicy, SupportAttachment, SupportRequest,
    SupportRequestSummary,
};

use super::{Call, Client, client_problem, segment};

/// A multipart form of `fields` (name, text) and `files` (the `files` parts).
fn form_of(fields: &[(&str, &str)], files: &[web_sys::File]) -> Result<web_sys::FormData, Problem> {
    let fail =
        |e: wasm_bindgen::JsValue| client_problem(format!("Could not prepare the form: {e:?}"));
    let form = web_sys::FormData::new().map_err(fail)?;
    for (name, value) in fields {
        form.append_with_str(name, value).map_err(fail)?;
    }
    for file in files {
        form.append_with_blob_and_filename("files", file, &file.name())
            .map_err(fail)?;
    }
    Ok(form)
}

impl Call {
    fn form(mut self, form: web_sys::FormData) -> Self {
        self.form = Some(form);
        self
    }
}

impl Client {
    /// Files a support request with its files (`POST /support-requests`, multipart).
    pub async fn create_support_request(
        &self,
        request: &NewSupportRequest,
        files: &[web_sys::File],
    ) -> Result<SupportRequest, Problem> {
        let json = serde_json::to_string(request)
            .map_err(|e| client_problem(format!("Could not encode the request: {e}")))?;
        let form = form_of(&[("request", &json)], files)?;
        self.json(Call::new(Method::POST, "/support-requests").form(form))
            .await
    }

    /// The publisher's support requests, newest first (`GET /support-requests`).
    pub async fn support_requests(&self) -> Result<Vec<SupportRequestSummary>, Problem> {
        self.json(Call::get("/support-requests")).await
    }

    /// One request with its conversation (`GET /support-requests/{number}`).
    pub async fn support_request(&self, number: &str) -> Result<SupportRequest, Problem> {
        self.json(Call::get(format!("/support-requests/{}", segment(number))))
            .await
    }

    /// Replies to a request, with files (`POST /support-requests/{number}/messages`).
    pub async fn reply_support_request(
        &self,
        number: &str,
        body: &str,
        files: &[web_sys::File],
    ) -> Result<SupportRequest, Problem> {
        let form = form_of(&[("body", body)], files)?;
        self.json(
            Call::new(
                Method::POST,
                format!("/support-requests/{}/messages", segment(number)),
            )
            .form(form),
        )
        .await
    }

    /// Saves an attachment of a request as a file.
    pub async fn download_attachment(
        &self,
        number: &str,
        attachment: &SupportAttachment,
    ) -> Result<(), Problem> {
        self.get_file(
            &format!(
                "/support-requests/{}/attachments/{}",
                segment(number),
                segment(&attachment.id)
            ),
            &[],
            &attachment.file_name,
        )
        .await
    }

    /// Sends feedback from the smiley (`POST /feedback`).
    pub async fn send_feedback(&self, feedback: &NewFeedback) -> Result<(), Problem> {
        self.empty(Call::new(Method::POST, "/feedback").json(feedback)?)
            .await
    }

    /// The instance's privacy policy (`GET /privacy-policy`).
    pub async fn privacy_policy(&self) -> Result<PrivacyPolicy, Problem> {
        self.json(Call::get("/privacy-policy")).await
    }
}
