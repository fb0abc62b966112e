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
use super::limiter::{self, Attempt};
use super::link::open_invitation;
use super::pools::{blocking, writing};
use super::respond::{contact, error_page, message_with, too_many};
use super::{Shared, client_ip};
use crate::config::RenewPolicy;
use crate::domain::renewals::{self, Renewal};
use crate::error::Error;
use crate::mail::delivery;
use crate::mail::message::{RenewalRequest, human_time};
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
            return match open_invitation(&app, ip, &form.token).await {
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
        Ok(Done::TooMany) => too_many(&app),
        Ok(Done::Renewal(renewal, expired)) => answer(&app, renewal, expired).await,
        // A link that is not an expired one (unknown, cancelled, replaced,
        // used): the page it has always had, counted as a guess.
        Err(Error::InvalidToken | Error::AlreadyAccepted) => {
            match open_invitation(&app, ip, &form.token).await {
                Ok((token, _)) => accept_page_of(&token),
                Err(page) => page,
            }
        }
        Err(e) => error_page(&app, &e),
    }
}

pub(super) fn accept_page_of(token: &Token) -> Response {
    redirect(&format!("/accept?token={}", token.as_str()))
}

/// Mails what the renewal calls for, then says what happened, naming the
/// address only as far as the link has proved it.
async fn answer(app: &Shared, renewal: Renewal, expired: renewals::Expired) -> Response {
    let shown = renewals::masked(&expired.email);
    match renewal {
        Renewal::Renewed { issued, .. } => {
            let expires = human_time(issued.expires_at);
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
                Ok(report) if report.failed.is_empty() => message_with(
                    app,
                    StatusCode::OK,
                    "New Link Sent",
                    vec![
                        format!("A new link is on its way to {shown}.").into(),
                        format!("It works until {expires}. The old link no longer does.").into(),
                        contact(
                            app,
                            "If it does not arrive within a few minutes, please contact",
                            ".",
                        ),
                    ],
                    None,
                ),
                outcome => {
                    if let Err(e) = &outcome {
                        eprintln!("error: a renewed invitation could not be mailed: {e}");
                    }
                    message_with(
                        app,
                        StatusCode::SERVICE_UNAVAILABLE,
                        "New Link Not Sent",
                        vec![
                            format!("A new invitation for {shown} was made, but its email could not be sent just now.").into(),
                            contact(app, "Please contact", " and ask them to send it again."),
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
                paragraphs.push(
                    "This invitation has had as many new links as it may get by itself."
                        .to_string()
                        .into(),
                );
            }
            paragraphs.push(
                format!(
                    "Your administrator has been asked to send you a new link. It will come by email to {shown}."
                )
                .into(),
            );
            paragraphs.push(contact(app, "If it is urgent, please contact", "."));
            message_with(app, StatusCode::OK, "New Link Requested", paragraphs, None)
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
