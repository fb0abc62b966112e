//! The rules: what may happen to invitations, users, teams and departments,
//! sessions and reset links, and what is recorded of it. They take `now`,
//! print nothing, and know no terminal, clap, HTTP or mail transport.

pub mod audit;
pub mod change;
pub mod directory;
pub mod end_dates;
pub mod hook_events;
pub mod invitations;
pub mod people;
pub mod reminders;
pub mod renewals;
pub mod resets;
pub mod sessions;
pub mod user;
pub mod users;
