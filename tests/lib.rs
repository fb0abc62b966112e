//! The integration tests, one binary: each module drives the built
//! `invitectl` (or a running `serve-accept`, a real SMTP server, PostgreSQL,
//! nginx, Caddy, Chromium) the way a user would. One binary links
//! `support` once; `cargo test --test integration web::` runs one module.

mod support;

mod accessibility;
mod admin;
mod browser;
mod cli;
mod dead_ends;
mod deploy;
mod docs;
mod forward_auth;
mod hooks;
mod languages;
mod many_hosts;
mod people;
mod postgres;
mod regression;
mod reset;
mod smtp;
mod spam;
mod terminal;
mod web;
