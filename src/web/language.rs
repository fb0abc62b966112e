//! Which language a page is in: a link's pages in its invitee's language
//! (see [`App::texts_for`]), every other page in the browser's
//! (`Accept-Language`), else `[organization] language`.

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, HeaderMap};
use axum::http::request::Parts;

use super::{App, Shared};
use crate::i18n::{Lang, Texts};

/// The words of the browser's language, for a handler.
pub(super) struct Browser(pub Texts);

impl FromRequestParts<Shared> for Browser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Self::Rejection> {
        Ok(Browser(browser_texts(app, &parts.headers)))
    }
}

/// The best language of `Accept-Language` that there is, else the organization's.
pub(super) fn browser_texts(app: &App, headers: &HeaderMap) -> Texts {
    let lang = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Lang::from_accept_language);
    app.texts_for(lang)
}

impl App {
    /// The words of `lang` (an invitee's, the browser's), or of
    /// `[organization] language` when there is none.
    pub(super) fn texts_for(&self, lang: Option<Lang>) -> Texts {
        let org = &self.config.organization;
        org.texts(lang.unwrap_or(org.language))
    }
}
