//! No dead ends on the invitee's pages: the Invitation Expired page offers
//! "Send me a new link" (`POST /renew`, as `[organization] renew` says, see
//! `crate::domain::renewals`), and the first opening of a valid link is recorded.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, State};
use axum::http::StatusCode;
use axum::http::header::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::cookie::redirect;
use super::language::Browser;
use super::limiter::{self, Attempt};
use super::link::open_invitation;
use super::pools::{blocking, writing};
use super::respond::{contact, error_page, message, too_many};
use super::{Shared, client_ip};
use crate::config::RenewPolicy;
use crate::domain::renewals::{self, Renewal};
use crate::error::Error;
use crate::i18n::Arg;
use crate::mail::delivery;
use crate::mail::message::RenewalRequest;
use crate::token::Token;

#[derive(Deserialize)]
pub(in super::super) struct RenewForm {
    #[serde(default)]
    token: String,
}

/// What the write transaction of a renewal came to.
pub(super) enum Done {
    Renewal(Renewal, renewals::Expired),
    /// The link still works: back to its accept page.
    StillValid(Token),
    /// Rate-limited.
    TooMany,
}

/// `POST /renew`: "Send me a new link" on the Invitation Expired page.
pub(in super::super) async fn renew_submit(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Browser(t): Browser,
    headers: HeaderMap,
    Form(form): Form<RenewForm>,
) -> Response {
    let ip = client_ip(&app.config.trusted_proxies, peer, &headers);
    let policy = app.config.followup.renew;
    let token = match Token::parse(&form.token) {
        Ok(token) if policy != RenewPolicy::Off => token,
        // Off, or no token at all: the page this link has always had,
        // counted like any other look at a link.
        _ => {
            return match open_invitation(&app, &t, ip, &form.token).await {
                Ok((token, _)) => accept_page_of(&token),
                Err(page) => page,
            };
        }
    };
    let org = app.config.organization.clone();
    let limit = app.config.followup.renew_limit;
    let done = writing(&app, move |tx| {
        let now = Utc::now();
        let Some(expired) = renewals::find(tx, &token, now)? else {
            return Ok(Done::StillValid(token));
        };
        if !limiter::reserve(tx, &Attempt::renewal(ip, &expired.email), now)? {
            return Ok(Done::TooMany);
        }
        let renewal = renewals::renew(tx, &org, policy, limit, &expired, now)?;
        Ok(Done::Renewal(renewal, expired))
    })
    .await;
    match done {
        Ok(Done::StillValid(token)) => accept_page_of(&token),
        Ok(Done::TooMany) => too_many(&app, &t),
        Ok(Done::Renewal(renewal, expired)) => answer(&app, renewal, expired).await,
        // A link that is not an expired one (unknown, cancelled, replaced,
        // used): the page it has always had, counted as a guess.
        Err(Error::InvalidToken | Error::AlreadyAccepted) => {
            match open_invitation(&app, &t, ip, &form.token).await {
                Ok((token, _)) => accept_page_of(&token),
                Err(page) => page,
            }
        }
        Err(e) => error_page(&app, &t, &e),
    }
}

pub(super) fn accept_page_of(token: &Token) -> Response {
    redirect(&format!("/accept?token={}", token.as_str()))
}

/// Mails what the renewal calls for, then says what happened, naming the
/// address only as far as the link has proved it.
async fn answer(app: &Shared, renewal: Renewal, expired: renewals::Expired) -> Response {
    let t = &app.texts_for(expired.lang);
    let shown = renewals::masked(&expired.email);
    let address = [("address", Arg::Text(&shown))];
    match renewal {
        Renewal::Renewed { issued, .. } => {
            let expires = t.date_time(issued.expires_at);
            let mailing = app.clone();
            let report = blocking(app, move |conn| {
                delivery::deliver(
                    conn,
                    &mailing.config,
                    std::slice::from_ref(&*issued),
                    None,
                    None,
                    delivery::Surroundings {
                        clock: &Utc::now,
                        env: &|name: &str| std::env::var(name).ok(),
                        on_message: &mut || {},
                    },
                )
            })
            .await;
            match report {
                Ok(report) if report.failed.is_empty() => message(
                    app,
                    t,
                    StatusCode::OK,
                    "renew-sent-title",
                    vec![
                        t.html("renew-sent-to", &address),
                        t.html("renew-sent-until", &[("date", Arg::Text(&expires))]),
                        contact(app, t, "renew-sent-contact"),
                    ],
                    None,
                ),
                outcome => {
                    if let Err(e) = &outcome {
                        eprintln!("error: a renewed invitation could not be mailed: {e}");
                    }
                    message(
                        app,
                        t,
                        StatusCode::SERVICE_UNAVAILABLE,
                        "renew-failed-title",
                        vec![
                            t.html("renew-failed", &address),
                            contact(app, t, "renew-failed-contact"),
                        ],
                        None,
                    )
                }
            }
        }
        Renewal::Asked {
            first,
            limit_reached,
            ..
        } => {
            if first {
                tell_contact(app, &expired).await;
            }
            let mut paragraphs = Vec::new();
            if limit_reached {
                paragraphs.push(t.html("renew-limit-reached", &[]));
            }
            paragraphs.push(t.html("renew-asked", &address));
            paragraphs.push(contact(app, t, "renew-urgent-contact"));
            message(
                app,
                t,
                StatusCode::OK,
                "renew-asked-title",
                paragraphs,
                None,
            )
        }
    }
}

/// Mails `[organization] contact`, when set, about a new request; a
/// failure is logged (the request is recorded either way).
async fn tell_contact(app: &Shared, expired: &renewals::Expired) {
    let Some(to) = app.config.organization.contact.clone() else {
        return;
    };
    let mailing = app.clone();
    let (email, role, expired_at) = (
        expired.email.clone(),
        expired.role.clone(),
        expired.expires_at,
    );
    let sent = tokio::task::spawn_blocking(move || {
        let request = RenewalRequest {
            email: &email,
            role: &role,
            expired_at,
        };
        delivery::send_renewal_request(
            &mailing.config,
            &to,
            &request,
            &|name: &str| std::env::var(name).ok(),
            Utc::now(),
        )
    })
    .await;
    match sent {
        Ok(Ok(_)) => {}
        Ok(Err(reason)) => {
            eprintln!(
                "error: the renewal request could not be mailed to [organization] contact: {reason}"
            )
        }
        Err(e) => eprintln!("error: the renewal request could not be mailed: {e}"),
    }
}
