//! Forward authentication: `GET /auth` for a reverse proxy in front of other
//! apps, and where `/login?rd=` may send a browser back to.

use std::borrow::Cow;
use std::fmt::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::cookie::session_cookie;
use super::pools::reading;
use super::{App, Shared};
use crate::domain::sessions;
use crate::domain::user::User;

/// `rd` longer than this is refused: no legitimate return address comes near it.
const MAX_RETURN_URL: usize = 2048;

/// `GET /auth`: 200 with the `Remote-*` headers for a valid session of an
/// active user, 401 otherwise. One indexed read per call, no write, so that
/// it can be asked for every request to every protected app; logging out and
/// `users deactivate` take effect on the next call.
pub(super) async fn auth(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let Some(secret) = session_cookie(&headers) else {
        return unauthorized();
    };
    match reading(&app, move |conn| sessions::user(conn, &secret, Utc::now())).await {
        Ok(Some(user)) => {
            let mut response = StatusCode::OK.into_response();
            let out = response.headers_mut();
            for (name, value) in remote_headers(&user) {
                out.insert(HeaderName::from_static(name), header_value(&value));
            }
            response
        }
        Ok(None) => unauthorized(),
        Err(e) => {
            // Never 200 without a user; 503 tells the proxy this is not a "no".
            eprintln!("error: {e}");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

fn unauthorized() -> Response {
    StatusCode::UNAUTHORIZED.into_response()
}

/// The headers `/auth` answers with, in the order documented, before encoding.
/// A team name with a comma in it has it encoded, so that `Remote-Groups`
/// always splits on commas.
fn remote_headers(user: &User) -> [(&'static str, Cow<'_, str>); 6] {
    let groups = user
        .teams
        .iter()
        .map(|team| team.replace('%', "%25").replace(',', "%2C"))
        .collect::<Vec<_>>()
        .join(",");
    [
        ("remote-user", Cow::Borrowed(user.email.as_str())),
        ("remote-email", Cow::Borrowed(user.email.as_str())),
        ("remote-name", Cow::Owned(user.full_name())),
        ("remote-role", Cow::Borrowed(user.role.as_str())),
        (
            "remote-department",
            Cow::Borrowed(user.department.as_deref().unwrap_or_default()),
        ),
        ("remote-groups", Cow::Owned(groups)),
    ]
}

/// A header value that is always safe: UTF-8 percent-encoded wherever a
/// byte is not printable ASCII (so CR, LF and other controls can never
/// end the header, and names like "José Müller" arrive as `Jos%C3%A9
/// M%C3%BCller`), and `%` itself as `%25`, so that one percent-decoding
/// gives back exactly the text. Plain ASCII text without `%` is unchanged.
fn header_value(text: &str) -> HeaderValue {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b' '..=b'~' if byte != b'%' => encoded.push(byte as char),
            _ => {
                let _ = write!(encoded, "%{byte:02X}");
            }
        }
    }
    HeaderValue::try_from(encoded).expect("printable ASCII is a valid header value")
}

/// Where a browser goes after logging in with `/login?rd=URL`: `rd` as the
/// URL parser writes it when it is safe, otherwise None (and the caller uses
/// dashboard_url). Safe is: an absolute `http(s)` URL (https only when
/// base_url is https), with no userinfo, whose host, exactly as written and
/// as parsed, is base_url's host on base_url's port or one of
/// `allowed_redirect_hosts` on the scheme's default port (written without
/// a port, in the canonical form nginx's `$host` gives). Backslashes,
/// whitespace, control characters and percent-encoding in the host are
/// refused before parsing, since browsers read them in ways a server may not.
pub(super) fn return_url(app: &App, rd: &str) -> Option<String> {
    safe_return_url(
        &app.config.organization.base_url,
        &app.config.allowed_redirect_hosts,
        rd,
    )
}

fn safe_return_url(base_url: &str, allowed: &[String], rd: &str) -> Option<String> {
    if rd.is_empty()
        || rd.len() > MAX_RETURN_URL
        || rd
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let base = url::Url::parse(base_url).ok()?;
    let url = url::Url::parse(rd).ok()?;
    let scheme_ok = match url.scheme() {
        "https" => true,
        "http" => base.scheme() == "http",
        _ => false,
    };
    if !scheme_ok || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let host = url.host_str()?;
    // The host as written must be the host as parsed: no upper case, no
    // percent-encoding, no Unicode form, no IPv4 shorthand ("0x7f.1").
    let written = rd
        .split_once("://")?
        .1
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let written_host = match url.port() {
        Some(port) => written.strip_suffix(&format!(":{port}"))?,
        None => written,
    };
    if written_host != host {
        return None;
    }
    let same_host = base.host_str() == Some(host)
        && base.port_or_known_default() == url.port_or_known_default();
    let listed = url.port().is_none() && allowed.iter().any(|allowed| allowed == host);
    (same_host || listed).then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec!["apps.acme.example".into()]
    }

    fn back(rd: &str) -> Option<String> {
        safe_return_url("https://invite.acme.example", &allowed(), rd)
    }

    #[test]
    fn only_base_urls_host_and_the_allowed_hosts_are_returned_to() {
        assert_eq!(
            back("https://apps.acme.example/wiki?page=1#top").as_deref(),
            Some("https://apps.acme.example/wiki?page=1#top")
        );
        assert_eq!(
            back("https://invite.acme.example/dashboard").as_deref(),
            Some("https://invite.acme.example/dashboard")
        );
        // On http, base_url's own port.
        assert_eq!(
            safe_return_url("http://127.0.0.1:8080", &[], "http://127.0.0.1:8080/x").as_deref(),
            Some("http://127.0.0.1:8080/x")
        );
        assert_eq!(
            safe_return_url("http://127.0.0.1:8080", &[], "http://127.0.0.1:9090/x"),
            None
        );
    }

    #[test]
    fn open_redirect_attempts_are_refused() {
        for rd in [
            "",
            "//evil.example",
            "//apps.acme.example/",
            "/dashboard",
            "https://evil.example/",
            "https://evil.example@apps.acme.example/",
            "https://apps.acme.example@evil.example/",
            "https://apps.acme.example:x@evil.example/",
            "https://user:pw@apps.acme.example/",
            "/\\evil.example",
            "https:\\\\evil.example",
            "https://apps.acme.example\\@evil.example",
            "https:/\\evil.example",
            "https%3A%2F%2Fevil.example",
            "%2F%2Fevil.example",
            "https://apps%2Eacme.example/",
            "https://apps.acme.example%2F@evil.example/",
            "https://apps.acme.example%40evil.example/",
            "https://evil.example%2F.apps.acme.example/",
            "javascript:alert(1)",
            "JavaScript://apps.acme.example/%0aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://apps.acme.example/",
            "file:///etc/passwd",
            "http://apps.acme.example/",
            "https://apps.acme.example:8443/",
            // Even the default port: only the canonical form is followed.
            "https://apps.acme.example:443/",
            "https://invite.acme.example:8443/",
            "https://APPS.ACME.EXAMPLE/",
            "https://Apps.acme.example/",
            "https://apps.acme.example./",
            "https://apps.acme.example../",
            "https://apps.acme.example.evil.example/",
            "https://evilapps.acme.example/",
            "https://acme.example/",
            "https://apps.acme.example\t.evil.example/",
            "https://apps.acme.example\n/",
            " https://apps.acme.example/",
            "https://аpps.acme.example/",
            "https://xn--pps-8cd.acme.example/",
            "https://0x7f.1/",
            "https://[::1]/",
        ] {
            assert_eq!(back(rd), None, "{rd:?} was let through");
        }
        let long = format!("https://apps.acme.example/{}", "a".repeat(MAX_RETURN_URL));
        assert_eq!(back(&long), None);
    }

    #[test]
    fn header_values_are_percent_encoded_where_not_printable_ascii() {
        assert_eq!(header_value("Ann Lee"), "Ann Lee");
        assert_eq!(header_value("José Müller"), "Jos%C3%A9 M%C3%BCller");
        assert_eq!(header_value("a\r\nSet-Cookie: x"), "a%0D%0ASet-Cookie: x");
        assert_eq!(header_value("100%"), "100%25");
        assert_eq!(header_value(""), "");
    }
}
