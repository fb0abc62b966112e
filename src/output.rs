//! The same rows as a table for people, JSON or CSV for scripts.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

/// A row that can be listed. JSON uses the serde field names; CSV uses the
/// same names as its header; the table uses headings for people. A row may
/// leave off trailing optional columns; the first row decides for all.
pub trait Listing: Serialize {
    const HEADINGS: &'static [&'static str];
    const FIELDS: &'static [&'static str];
    fn table_cells(&self) -> Vec<String>;
    fn csv_cells(&self) -> Vec<String>;
}

pub fn write<T: Listing>(out: &mut dyn Write, format: Format, rows: &[T]) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, rows)?;
            writeln!(out)
        }
        Format::Csv => {
            let width = rows
                .first()
                .map_or(T::FIELDS.len(), |row| row.csv_cells().len());
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(&T::FIELDS[..width])?;
            for row in rows {
                writer.write_record(row.csv_cells())?;
            }
            writer.flush()
        }
        Format::Table => {
            let width = rows
                .first()
                .map_or(T::HEADINGS.len(), |row| row.table_cells().len());
            let mut table = Table::new();
            table
                .load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(T::HEADINGS[..width].to_vec());
            for row in rows {
                table.add_row(row.table_cells());
            }
            writeln!(out, "{table}")
        }
    }
}

/// "2026-11-25T02:00:00Z" as "2026-11-25 02:00 UTC" for a table.
pub fn short_time(stamp: &str) -> String {
    match crate::time::parse_stamp(stamp) {
        Some(t) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
        None => stamp.to_string(),
    }
}

pub fn optional(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

impl Listing for crate::invitations::Invitation {
    const HEADINGS: &'static [&'static str] = &[
        "Email",
        "Role",
        "Department",
        "Teams",
        "Invited By",
        "Sent At",
        "Expires At",
        "Status",
        "Delivery",
    ];
    const FIELDS: &'static [&'static str] = &[
        "id",
        "email",
        "role",
        "department",
        "teams",
        "invited_by",
        "sent_at",
        "expires_at",
        "status",
        "delivery",
        "accepted_at",
        "cancelled_at",
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.email.clone(),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(", "),
            self.invited_by.clone(),
            short_time(&self.sent_at),
            short_time(&self.expires_at),
            self.status.as_str().to_string(),
            self.delivery.clone(),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(";"),
            self.invited_by.clone(),
            self.sent_at.clone(),
            self.expires_at.clone(),
            self.status.as_str().to_string(),
            self.delivery.clone(),
            optional(&self.accepted_at),
            optional(&self.cancelled_at),
        ]
    }
}

impl Listing for crate::users::User {
    const HEADINGS: &'static [&'static str] = &[
        "Email",
        "First Name",
        "Last Name",
        "Role",
        "Department",
        "Teams",
        "Status",
        "Created At",
        "Activated At",
    ];
    const FIELDS: &'static [&'static str] = &[
        "id",
        "email",
        "first_name",
        "last_name",
        "role",
        "department",
        "teams",
        "status",
        "created_at",
        "activated_at",
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.email.clone(),
            optional(&self.first_name),
            optional(&self.last_name),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(", "),
            self.status.as_str().to_string(),
            short_time(&self.created_at),
            self.activated_at
                .as_deref()
                .map(short_time)
                .unwrap_or_default(),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            optional(&self.first_name),
            optional(&self.last_name),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(";"),
            self.status.as_str().to_string(),
            self.created_at.clone(),
            optional(&self.activated_at),
        ]
    }
}

impl Listing for crate::directory::Entry {
    const HEADINGS: &'static [&'static str] = &["Name", "Users", "Created At"];
    const FIELDS: &'static [&'static str] = &["name", "users", "created_at"];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.users.to_string(),
            short_time(&self.created_at),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.users.to_string(),
            self.created_at.clone(),
        ]
    }
}
