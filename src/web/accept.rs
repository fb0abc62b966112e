//! The invitation link: `GET /accept` shows the form, `POST /accept`
//! accepts and logs the invitee in.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::StatusCode;
use axum::http::header::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::cookie::signed_in;
use super::language::Browser;
use super::link::{TokenQuery, open_invitation, record_opened};
use super::pools::hashing;
use super::respond::{busy, error_page, field_errors, html};
use super::{Shared, client_ip, pages};
use crate::domain::invitations::{self, Acceptance};
use crate::domain::sessions;

/// Looking never changes anything: mail scanners open links before people do.
/// The page is in the invitee's language, whatever the browser says.
pub(super) async fn accept_page(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Browser(browser): Browser,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    match open_invitation(
        &app,
        &browser,
        client_ip(&app.config.trusted_proxies, peer, &headers),
        &query.token,
    )
    .await
    {
        Ok((token, invitation)) => {
            if invitation.opened_at.is_none() {
                record_opened(&app, invitation.id).await;
            }
            let t = app.texts_for(invitation.lang);
            let page = pages::Accept::new(
                t,
                &app.config.organization.name,
                &invitation,
                token.as_str(),
            );
            html(StatusCode::OK, page)
        }
        Err(page) => page,
    }
}

#[derive(Deserialize)]
pub(super) struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

pub(super) async fn accept_submit(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Browser(browser): Browser,
    headers: HeaderMap,
    Form(form): Form<AcceptForm>,
) -> Response {
    let (token, invitation) = match open_invitation(
        &app,
        &browser,
        client_ip(&app.config.trusted_proxies, peer, &headers),
        &form.token,
    )
    .await
    {
        Ok(found) => found,
        Err(page) => return page,
    };
    let t = app.texts_for(invitation.lang);
    let acceptance = Acceptance {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        password: form.password,
        confirm_password: form.confirm_password,
    };
    // Every problem at once, each at its field, without waiting for a hash.
    let problems = invitations::check_form(&acceptance);
    if !problems.is_empty() {
        let errors = field_errors(&t, problems);
        let page = pages::Accept {
            first_name: &form.first_name,
            last_name: &form.last_name,
            errors,
            ..pages::Accept::new(
                t,
                &app.config.organization.name,
                &invitation,
                token.as_str(),
            )
        };
        return html(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let accepting = token.clone();
    let lifetime = app.config.organization.session_ttl;
    let result = hashing(&app, move |conn| {
        let now = Utc::now();
        let user = invitations::accept(conn, &accepting, &acceptance, now)?;
        sessions::create(conn, user.id, lifetime, now)
    })
    .await;
    let Some(result) = result else {
        return busy(&app, &t);
    };
    match result {
        Ok(secret) => signed_in(&app, &app.config.organization.dashboard_url, &secret),
        Err(e) => error_page(&app, &t, &e),
    }
}
