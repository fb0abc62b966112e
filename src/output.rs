//! The same rows as a table for people, JSON or CSV for scripts.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use comfy_table::{ColumnConstraint, ContentArrangement, Row, Table, Width};
use serde::Serialize;

use crate::time::stamp;

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
    /// Table columns (by heading) that are never shortened to fit: ids, times, states.
    const WHOLE: &'static [&'static str] = &[];
    /// The cells for people; times relative to `now` ("3h ago", "in 21h").
    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String>;
    fn csv_cells(&self) -> Vec<String>;
}

/// Borderless tables: no outer frame and no lines between columns, only a
/// rule under the headings, so ten columns still fit 80 characters.
const UNICODE_PRESET: &str = "     ──            ";
const ASCII_PRESET: &str = "     --            ";

pub fn write<T: Listing>(
    out: &mut dyn Write,
    format: Format,
    rows: &[T],
    now: DateTime<Utc>,
) -> io::Result<()> {
    write_each(out, format, rows.iter(), now)
}

/// [`write`] for rows made one at a time: JSON and CSV are written as they
/// come, so a million rows are never held at once; a table needs them all
/// to size its columns.
pub fn write_each<T: Listing>(
    out: &mut dyn Write,
    format: Format,
    rows: impl Iterator<Item = T>,
    now: DateTime<Utc>,
) -> io::Result<()> {
    match format {
        Format::Json => {
            out.write_all(b"[")?;
            for (index, row) in rows.enumerate() {
                if index > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, &row)?;
            }
            out.write_all(b"]\n")
        }
        Format::Csv => {
            let mut rows = rows.peekable();
            let width = rows
                .peek()
                .map_or(T::FIELDS.len(), |row| row.csv_cells().len());
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(&T::FIELDS[..width])?;
            for row in rows {
                writer.write_record(row.csv_cells().iter().map(|cell| csv_cell(cell)))?;
            }
            writer.flush()
        }
        Format::Table => writeln!(out, "{}", table(&rows.collect::<Vec<T>>(), now)),
    }
}

/// One record (`db status`): JSON as one object; for people, a field a
/// line; CSV as `field,value` rows with nested fields dotted
/// (`invitations.pending`).
pub fn write_record<T: Serialize>(
    out: &mut dyn Write,
    format: Format,
    record: &T,
) -> io::Result<()> {
    let value = serde_json::to_value(record).map_err(io::Error::other)?;
    let fields = value.as_object().cloned().unwrap_or_default();
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &value)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(["field", "value"])?;
            for (name, value) in &fields {
                match value.as_object() {
                    Some(nested) => {
                        for (key, value) in nested {
                            writer
                                .write_record([format!("{name}.{key}"), csv_cell(&text(value))])?;
                        }
                    }
                    None => writer.write_record([name.clone(), csv_cell(&text(value))])?,
                }
            }
            writer.flush()
        }
        Format::Table => {
            let label = |name: &str| {
                let spaced = name.replace('_', " ");
                let mut chars = spaced.chars();
                chars.next().map_or(String::new(), |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            };
            let width = fields.keys().map(|name| name.len()).max().unwrap_or(0);
            for (name, value) in &fields {
                let shown = match value.as_object() {
                    Some(nested) => nested
                        .iter()
                        .map(|(key, value)| format!("{key} {}", text(value)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    None => text(value),
                };
                writeln!(out, "{:width$}  {}", label(name), for_terminal(&shown))?;
            }
            Ok(())
        }
    }
}

impl<T: Listing> Listing for &T {
    const HEADINGS: &'static [&'static str] = T::HEADINGS;
    const FIELDS: &'static [&'static str] = T::FIELDS;
    const WHOLE: &'static [&'static str] = T::WHOLE;

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        (**self).table_cells(now)
    }

    fn csv_cells(&self) -> Vec<String> {
        (**self).csv_cells()
    }
}

/// Shorter than this, a column is never cut: enough to recognize an
/// address, an outcome ("would invite"), a delivery state ("failed…"), a
/// word such as "ops"; ten columns still fit 80.
fn shortest(heading: &str) -> usize {
    match heading {
        "Email" | "Outcome" => 12,
        // "default", "flag --db", "environment…" stay readable.
        "Origin" => 12,
        "Delivery" => 7,
        _ => 4,
    }
}

/// Characters between two columns.
const GAP: usize = 2;

/// How wide each column may be within `available` characters: every column
/// whole when they fit; otherwise ids, times and states stay whole, the
/// others start at their shortest, and what is left goes first to Email
/// (what an admin acts on), then to the others from left to right.
fn column_widths(
    headings: &[&str],
    natural: &[usize],
    whole: &[&str],
    available: usize,
) -> Vec<usize> {
    let gaps = GAP * headings.len().saturating_sub(1);
    if natural.iter().sum::<usize>() + gaps <= available {
        return natural.to_vec();
    }
    let mut widths: Vec<usize> = headings
        .iter()
        .zip(natural)
        .map(|(heading, &n)| {
            if whole.contains(heading) {
                n
            } else {
                n.min(shortest(heading))
            }
        })
        .collect();
    // Too narrow even for that: the widest shortenable column gives way, one
    // character at a time, unless the whole columns alone are too wide (a
    // link): then the line is let wrap rather than every other column lost.
    let whole_width: usize = (0..headings.len())
        .filter(|&i| whole.contains(&headings[i]))
        .map(|i| widths[i])
        .sum();
    let others = headings.len() - whole.iter().filter(|w| headings.contains(w)).count();
    let fits = whole_width + gaps + others <= available;
    while fits && widths.iter().sum::<usize>() + gaps > available {
        let widest = (0..headings.len())
            .filter(|&i| !whole.contains(&headings[i]) && widths[i] > 1)
            .max_by_key(|&i| widths[i]);
        match widest {
            Some(index) => widths[index] -= 1,
            None => break,
        }
    }
    let mut left = available.saturating_sub(widths.iter().sum::<usize>() + gaps);
    let email_first = headings
        .iter()
        .position(|h| *h == "Email")
        .into_iter()
        .chain(0..headings.len());
    for index in email_first {
        let more = (natural[index] - widths[index]).min(left);
        widths[index] += more;
        left -= more;
    }
    widths
}

/// The table for people: one line a row, fitted to the terminal (or
/// `COLUMNS`), long cells cut short with …; JSON and CSV have them whole.
fn table<T: Listing>(rows: &[T], now: DateTime<Utc>) -> Table {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.table_cells(now)
                .iter()
                .map(|c| for_terminal(c))
                .collect()
        })
        .collect();
    let headings = &T::HEADINGS[..cells.first().map_or(T::HEADINGS.len(), Vec::len)];
    let style = TableStyle::from_env(&|name| std::env::var(name).ok());
    let mut table = Table::new();
    table
        .load_preset(if style.unicode {
            UNICODE_PRESET
        } else {
            ASCII_PRESET
        })
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_truncation_indicator(if style.unicode { "…" } else { "~" });
    if let Some(columns) = style.width
        && !table.is_tty()
    {
        table.set_width(columns);
    }
    let natural: Vec<usize> = headings
        .iter()
        .enumerate()
        .map(|(index, heading)| {
            cells
                .iter()
                .map(|row| row[index].chars().count())
                .chain([heading.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let widths = table
        .width()
        .map(|available| column_widths(headings, &natural, T::WHOLE, available.into()));
    let mut header = Row::from(headings.to_vec());
    header.max_height(1);
    table.set_header(header);
    let indicator = if style.unicode { "…" } else { "~" };
    for row in &cells {
        // Cut here rather than by the table, which would wrap a long cell at
        // a space first and show only what came before it.
        let row: Vec<String> = match &widths {
            Some(widths) => row
                .iter()
                .zip(widths)
                .map(|(cell, &width)| cut(cell, width, indicator))
                .collect(),
            None => row.clone(),
        };
        let mut row = Row::from(row);
        row.max_height(1);
        table.add_row(row);
    }
    for index in 0..headings.len() {
        let Some(column) = table.column_mut(index) else {
            continue;
        };
        // The blank rule between columns and one space of padding make the
        // gap; the last column needs no padding.
        let padding = u16::from(index + 1 < headings.len());
        column.set_padding((0, padding));
        if let Some(widths) = &widths {
            // The width counts the padding.
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
                widths[index] as u16 + padding,
            )));
        }
    }
    table
}

/// `cell` in at most `width` characters, the last one `indicator` when cut.
fn cut(cell: &str, width: usize, indicator: &str) -> String {
    if cell.chars().count() <= width {
        return cell.to_string();
    }
    let kept: String = cell.chars().take(width.saturating_sub(1)).collect();
    format!("{}{indicator}", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` through [`TerminalSafe`], written `chunk` bytes at a time.
    fn on_terminal(text: &[u8], format: Format, chunk: usize) -> String {
        let mut out = Vec::new();
        let mut safe = TerminalSafe::new(&mut out, format);
        for piece in text.chunks(chunk) {
            safe.write_all(piece).unwrap();
        }
        safe.flush().unwrap();
        drop(safe);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn terminal_output_escapes_controls_and_bidi_even_split_across_writes() {
        let text = "id,name\n1,\u{1b}]0;x\u{7}Lee\u{202e}é\u{9b}2J李\n".as_bytes();
        for chunk in [1, 2, 3, 64] {
            assert_eq!(
                on_terminal(text, Format::Csv, chunk),
                "id,name\n1,\\u{1b}]0;x\\u{7}Lee\\u{202e}é\\u{9b}2J李\n"
            );
        }
        let json = serde_json::to_string(&["\u{1b}[2J\u{7f}\u{2066}x"]).unwrap();
        let shown = on_terminal(json.as_bytes(), Format::Json, 1);
        assert_eq!(shown, r#"["\u001b[2J\u007f\u2066x"]"#);
        let back: Vec<String> = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, ["\u{1b}[2J\u{7f}\u{2066}x"]);
        // Bytes that are not UTF-8 are shown, not passed on.
        assert_eq!(
            on_terminal(b"a\xff\xe2\x80", Format::Csv, 1),
            "a\\xff\\xe2\\x80"
        );
    }

    #[test]
    fn a_long_cell_is_cut_at_its_width_not_at_its_first_space() {
        assert_eq!(cut("written to outbox/abc.eml", 14, "…"), "written to ou…");
        assert_eq!(cut("failed: 550 x", 9, "~"), "failed:~");
        assert_eq!(cut("ops", 3, "…"), "ops");
    }

    const HEADINGS: &[&str] = &["ID", "Email", "Role", "Status"];
    const WHOLE: &[&str] = &["ID", "Status"];

    #[test]
    fn columns_keep_their_width_when_they_fit() {
        let natural = [2, 20, 6, 7];
        assert_eq!(column_widths(HEADINGS, &natural, WHOLE, 80), natural);
    }

    #[test]
    fn email_gets_the_room_first_and_ids_and_states_stay_whole() {
        let natural = [2, 30, 6, 7];
        // 2 + 7 whole, Role 4 at least, gaps 6: 21 of 40 left, all to Email.
        assert_eq!(column_widths(HEADINGS, &natural, WHOLE, 40), [2, 21, 4, 7]);
        assert_eq!(column_widths(HEADINGS, &natural, WHOLE, 50), [2, 30, 5, 7]);
    }

    #[test]
    fn when_even_the_shortest_do_not_fit_the_widest_gives_way() {
        let natural = [2, 30, 6, 7];
        // 2 + 7 whole, gaps 6: 5 left for Email and Role.
        assert_eq!(column_widths(HEADINGS, &natural, WHOLE, 20), [2, 3, 2, 7]);
    }

    #[test]
    fn whole_columns_wider_than_the_terminal_leave_the_others_at_their_shortest() {
        let natural = [2, 30, 6, 90];
        let whole = &["ID", "Status"][..];
        assert_eq!(column_widths(HEADINGS, &natural, whole, 80), [2, 12, 4, 90]);
    }

    #[test]
    fn times_are_relative_in_their_largest_unit() {
        let now = crate::time::parse_stamp("2026-01-10T12:00:00Z").unwrap();
        let at = |stamp| relative_time(crate::time::parse_stamp(stamp).unwrap(), now);
        assert_eq!(at("2026-01-10T11:59:30Z"), "now");
        assert_eq!(at("2026-01-10T12:00:30Z"), "in 30s");
        assert_eq!(at("2026-01-10T11:15:00Z"), "45m ago");
        assert_eq!(at("2026-01-11T11:00:00Z"), "in 23h");
        assert_eq!(at("2026-01-11T11:59:50Z"), "in 24h");
        assert_eq!(at("2026-01-10T11:01:00Z"), "59m ago");
        assert_eq!(at("2026-01-01T12:00:00Z"), "9d ago");
        assert_eq!(at("2020-01-01T12:00:00Z"), "6y ago");
    }
}

impl Listing for crate::audit::Entry {
    const HEADINGS: &'static [&'static str] = &["ID", "At", "Actor", "Action", "Subject", "Detail"];
    const WHOLE: &'static [&'static str] = &["ID", "At", "Action"];
    const FIELDS: &'static [&'static str] = &["id", "at", "actor", "action", "subject", "detail"];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.id.to_string(),
            relative_time(self.at, now),
            self.actor.clone(),
            self.action.clone(),
            self.subject.clone(),
            optional(&self.detail),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            stamp(self.at),
            self.actor.clone(),
            self.action.clone(),
            self.subject.clone(),
            optional(&self.detail),
        ]
    }
}

impl Listing for crate::hooks::Listed {
    const HEADINGS: &'static [&'static str] = &[
        "ID",
        "Event",
        "Email",
        "At",
        "Status",
        "Runs",
        "Retry",
        "Last Result",
    ];
    const WHOLE: &'static [&'static str] = &["ID", "Event", "At", "Status", "Retry"];
    const FIELDS: &'static [&'static str] = &[
        "id",
        "event",
        "email",
        "at",
        "actor",
        "status",
        "attempts",
        "last_attempt_at",
        "last_result",
        "next_attempt_at",
        "done_at",
    ];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.event.clone(),
            self.email.clone(),
            relative_time(self.at, now),
            self.status.as_str().to_string(),
            self.attempts.to_string(),
            self.next_attempt_at
                .map(|t| relative_time(t, now))
                .unwrap_or_default(),
            optional(&self.last_result),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.event.clone(),
            self.email.clone(),
            stamp(self.at),
            self.actor.clone(),
            self.status.as_str().to_string(),
            self.attempts.to_string(),
            optional_stamp(self.last_attempt_at),
            optional(&self.last_result),
            optional_stamp(self.next_attempt_at),
            optional_stamp(self.done_at),
        ]
    }
}

impl Listing for crate::config::Shown {
    const HEADINGS: &'static [&'static str] = &["Key", "Value", "Origin"];
    const WHOLE: &'static [&'static str] = &["Key"];
    const FIELDS: &'static [&'static str] = &["key", "value", "origin"];

    fn table_cells(&self, _now: DateTime<Utc>) -> Vec<String> {
        self.csv_cells()
    }

    fn csv_cells(&self) -> Vec<String> {
        let value = match &self.value {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map_or_else(|| item.to_string(), str::to_string)
                })
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        vec![self.key.clone(), value, self.origin.clone()]
    }
}

/// How a table is drawn, from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStyle {
    /// Box-drawing borders only when the locale says UTF-8 and the terminal is not dumb.
    pub unicode: bool,
    /// `COLUMNS`, for output that is not a terminal (a terminal tells its own width).
    pub width: Option<u16>,
}

impl TableStyle {
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> TableStyle {
        // The first of LC_ALL, LC_CTYPE, LANG that is set decides, as in POSIX.
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .into_iter()
            .find_map(|name| env(name).filter(|v| !v.is_empty()))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let utf8 = locale.contains("utf-8") || locale.contains("utf8");
        TableStyle {
            unicode: utf8 && env("TERM").as_deref() != Some("dumb"),
            width: env("COLUMNS").and_then(|c| c.trim().parse().ok()),
        }
    }
}

/// Text that came from a user, made safe to print on a terminal: control
/// characters (an escape sequence could clear the screen or retitle the
/// window) and bidirectional overrides are shown escaped, never sent raw.
/// Line breaks are kept only when `keep_newlines`.
fn escape_controls(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c == '\n' && keep_newlines) || !unsafe_on_terminal(c) {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
    }
    out
}

/// Characters never sent raw to a terminal: controls (C0, DEL, C1), which
/// can start an escape sequence, and the bidirectional embeddings,
/// overrides and isolates, which reorder what follows them on the line.
fn unsafe_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// JSON or CSV on its way to a terminal, made safe to show there as it is
/// written: each character [`for_terminal`] would escape is written as an
/// escape instead (JSON as `\u001b`, so the output is still JSON with the
/// same values; CSV as `\u{1b}`, as the table shows it). Line breaks
/// between records stay. Only for a terminal: into a pipe or a file the
/// output stays byte for byte what the database holds.
pub struct TerminalSafe<W: Write> {
    inner: W,
    json: bool,
    /// The first bytes of a character that the next write completes.
    pending: Vec<u8>,
}

impl<W: Write> TerminalSafe<W> {
    pub fn new(inner: W, format: Format) -> Self {
        TerminalSafe {
            inner,
            json: format == Format::Json,
            pending: Vec::new(),
        }
    }

    fn write_text(&mut self, text: &str) -> io::Result<()> {
        let mut clean = 0;
        for (at, c) in text.char_indices() {
            if c == '\n' || !unsafe_on_terminal(c) {
                continue;
            }
            self.inner.write_all(&text.as_bytes()[clean..at])?;
            if self.json {
                write!(self.inner, "\\u{:04x}", u32::from(c))?;
            } else {
                write!(self.inner, "{}", c.escape_default())?;
            }
            clean = at + c.len_utf8();
        }
        self.inner.write_all(&text.as_bytes()[clean..])
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.pending);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.write_text(text)?;
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.write_text(std::str::from_utf8(valid).expect("checked"))?;
                    match e.error_len() {
                        // A character cut in two: its end comes with the next write.
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        Some(len) => {
                            for byte in &after[..len] {
                                write!(self.inner, "\\x{byte:02x}")?;
                            }
                            rest = &after[len..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        for byte in std::mem::take(&mut self.pending) {
            write!(self.inner, "\\x{byte:02x}")?;
        }
        self.inner.flush()
    }
}

/// One table cell or other one-line value for a terminal.
pub fn for_terminal(text: &str) -> String {
    escape_controls(text, false)
}

/// A message of one or more lines (an error) for a terminal.
pub fn lines_for_terminal(text: &str) -> String {
    escape_controls(text, true)
}

/// A CSV cell that a spreadsheet would run as a formula (= + - @, or a
/// leading tab or carriage return) is prefixed with ', as OWASP advises.
pub fn csv_cell(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A stored time as a table shows it, relative to `now` in its largest
/// unit: "now", "3h ago", "in 21h", "12d ago", "in 30s" (a retry soon).
/// JSON and CSV have the instant.
pub fn relative_time(instant: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (instant - now).num_seconds();
    let magnitude = seconds.unsigned_abs();
    // Rounded, so a link sent a moment ago for 24h expires "in 24h".
    let round = |unit: u64| (magnitude + unit / 2) / unit;
    let amount = match magnitude {
        0..60 if seconds <= 0 => return "now".into(),
        0..60 => format!("{magnitude}s"),
        60..3570 => format!("{}m", round(60)),
        3570..171_000 => format!("{}h", round(3600)),
        171_000..63_072_000 => format!("{}d", round(86_400)),
        _ => format!("{}y", round(31_536_000)),
    };
    if seconds > 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

pub fn optional_stamp(instant: Option<DateTime<Utc>>) -> String {
    instant.map(stamp).unwrap_or_default()
}

pub fn optional(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

impl Listing for crate::invitations::Invitation {
    const HEADINGS: &'static [&'static str] = &[
        "ID",
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
    const WHOLE: &'static [&'static str] = &["ID", "Sent At", "Expires At", "Status"];
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
        "reminded_at",
        "opened_at",
        "renewal_requested_at",
    ];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(", "),
            self.invited_by.clone(),
            relative_time(self.sent_at, now),
            relative_time(self.expires_at, now),
            self.shown_status(),
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
            stamp(self.sent_at),
            stamp(self.expires_at),
            self.status.as_str().to_string(),
            self.delivery.clone(),
            optional_stamp(self.accepted_at),
            optional_stamp(self.cancelled_at),
            optional_stamp(self.reminded_at),
            optional_stamp(self.opened_at),
            optional_stamp(self.renewal_requested_at),
        ]
    }
}

impl crate::invitations::Invitation {
    /// The Status cell of a table: an expired invitation whose invitee
    /// asked for a new link says so.
    pub fn shown_status(&self) -> String {
        match (self.status, self.renewal_requested_at) {
            (crate::invitations::Status::Expired, Some(_)) => "expired (renewal asked)".into(),
            (status, _) => status.as_str().to_string(),
        }
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
    const WHOLE: &'static [&'static str] = &["Status", "Created At", "Activated At"];
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

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.email.clone(),
            optional(&self.first_name),
            optional(&self.last_name),
            self.role.clone(),
            optional(&self.department),
            self.teams.join(", "),
            self.status.as_str().to_string(),
            relative_time(self.created_at, now),
            self.activated_at
                .map(|t| relative_time(t, now))
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
            stamp(self.created_at),
            optional_stamp(self.activated_at),
        ]
    }
}

impl Listing for crate::directory::Entry {
    const HEADINGS: &'static [&'static str] = &["Name", "Users", "Created At"];
    const WHOLE: &'static [&'static str] = &["Users", "Created At"];
    const FIELDS: &'static [&'static str] = &["name", "users", "created_at"];

    fn table_cells(&self, now: DateTime<Utc>) -> Vec<String> {
        vec![
            self.name.clone(),
            self.users.to_string(),
            relative_time(self.created_at, now),
        ]
    }

    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.users.to_string(),
            stamp(self.created_at),
        ]
    }
}
