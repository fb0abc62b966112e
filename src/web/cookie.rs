//! The session cookie: reading it, setting it, and the redirect that
//! carries a new one.

use std::time::Duration;

use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::{App, COOKIE};

pub(super) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(COOKIE)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::to_string)
        })
}

pub(super) fn cookie(app: &App, value: &str, max_age: Duration) -> HeaderValue {
    let secure = if app.config.organization.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    // With cookie_domain the cookie is shared by sibling hosts; clearing it
    // (logout) must name the same Domain, or the browser keeps it.
    let domain = app
        .config
        .cookie_domain
        .as_deref()
        .map(|domain| format!("; Domain={domain}"))
        .unwrap_or_default();
    let text = format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{domain}{secure}",
        max_age.as_secs()
    );
    HeaderValue::from_str(&text).expect("cookie text is ASCII")
}

pub(super) fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

pub(super) fn signed_in(app: &App, location: &str, secret: &str) -> Response {
    let mut response = redirect(location);
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie(app, secret, app.config.organization.session_ttl),
    );
    response
}
