//! The languages of what invitees read: the pages of `serve-accept` and
//! every mail. One Project Fluent catalogue per language
//! (`locales/<code>/invitectl.ftl`, compiled into the binary), plural rules
//! and variables by `fluent-bundle`; dates in the reader's language and the
//! organization's time zone. The command line stays English.

use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

/// A language invitectl speaks to invitees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
    It,
    Nl,
    Pt,
    Pl,
    Ja,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 10] = [
        Lang::En,
        Lang::De,
        Lang::Fr,
        Lang::Es,
        Lang::It,
        Lang::Nl,
        Lang::Pt,
        Lang::Pl,
        Lang::Ja,
        Lang::Ar,
    ];

    /// Its BCP 47 code, as `--lang`, the `lang` column and `<html lang>` write it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Nl => "nl",
            Lang::Pt => "pt",
            Lang::Pl => "pl",
            Lang::Ja => "ja",
            Lang::Ar => "ar",
        }
    }

    /// The language of a tag: `de`, `DE`, `fr-CH` and `pt_BR` all find one.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// Every code, for a message that says which ones there are.
    pub fn codes() -> String {
        Lang::ALL.map(Lang::code).join(", ")
    }

    /// The writing direction, for `<html dir>`.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            _ => "ltr",
        }
    }

    /// The best of these languages for an `Accept-Language` header: the
    /// highest quality value first, a region falls back to its language
    /// (`fr-CH` finds `fr`), `q=0` means "not this one".
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut wanted: Vec<(u16, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let lang = Lang::from_tag(parts.next()?)?;
                let quality = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .next()
                    .map_or(Some(1000), quality_in_thousandths)?;
                (quality > 0).then_some((quality, position, lang))
            })
            .collect();
        // Highest quality first; of equal ones, the one named first.
        wanted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        wanted.first().map(|&(_, _, lang)| lang)
    }

    fn catalogue(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en/invitectl.ftl"),
            Lang::De => include_str!("../locales/de/invitectl.ftl"),
            Lang::Fr => include_str!("../locales/fr/invitectl.ftl"),
            Lang::Es => include_str!("../locales/es/invitectl.ftl"),
            Lang::It => include_str!("../locales/it/invitectl.ftl"),
            Lang::Nl => include_str!("../locales/nl/invitectl.ftl"),
            Lang::Pt => include_str!("../locales/pt/invitectl.ftl"),
            Lang::Pl => include_str!("../locales/pl/invitectl.ftl"),
            Lang::Ja => include_str!("../locales/ja/invitectl.ftl"),
            Lang::Ar => include_str!("../locales/ar/invitectl.ftl"),
        }
    }

    /// Its catalogue, parsed the first time it is needed.
    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        &self.messages().bundle
    }

    /// Its message without variables `key`, formatted once for all.
    fn plain(self, key: &str) -> Option<&'static Plain> {
        self.messages().plain.get(key)
    }

    fn messages(self) -> &'static Messages {
        static MESSAGES: [OnceLock<Messages>; 10] = [const { OnceLock::new() }; 10];
        MESSAGES[self as usize].get_or_init(|| Messages::parse(self))
    }

    /// How a date and a time of day read in this language: chrono's
    /// numbers, and `{weekday}`, `{month}` and `{zone}` for the names.
    fn date_time_format(self) -> &'static str {
        match self {
            Lang::En => "{weekday}, %-d {month} %Y at %H:%M {zone}",
            Lang::De => "{weekday}, %-d. {month} %Y, %H:%M Uhr ({zone})",
            Lang::Fr => "{weekday} %-d {month} %Y à %H:%M ({zone})",
            Lang::Es => "{weekday}, %-d de {month} de %Y, %H:%M ({zone})",
            Lang::It => "{weekday} %-d {month} %Y, ore %H:%M ({zone})",
            Lang::Nl => "{weekday} %-d {month} %Y om %H:%M ({zone})",
            Lang::Pt => "%-d de {month} de %Y às %H:%M ({zone})",
            Lang::Pl => "{weekday}, %-d {month} %Y, %H:%M ({zone})",
            Lang::Ja => "%Y年%-m月%-d日({weekday}) %H:%M ({zone})",
            Lang::Ar => "{weekday}، %-d {month} %Y، الساعة %H:%M ({zone})",
        }
    }

    fn date_format(self) -> &'static str {
        match self {
            Lang::En => "{weekday}, %-d {month} %Y",
            Lang::De => "{weekday}, %-d. {month} %Y",
            Lang::Fr => "{weekday} %-d {month} %Y",
            Lang::Es => "{weekday}, %-d de {month} de %Y",
            Lang::It => "{weekday} %-d {month} %Y",
            Lang::Nl => "{weekday} %-d {month} %Y",
            Lang::Pt => "%-d de {month} de %Y",
            Lang::Pl => "{weekday}, %-d {month} %Y",
            Lang::Ja => "%Y年%-m月%-d日({weekday})",
            Lang::Ar => "{weekday}، %-d {month} %Y",
        }
    }

    /// The weekdays, from Sunday, as its dates show them (Japanese in
    /// brackets, abbreviated).
    #[rustfmt::skip]
    fn weekdays(self) -> [&'static str; 7] {
        match self {
            Lang::En => ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
            Lang::De => ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
            Lang::Fr => ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
            Lang::Es => ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
            Lang::It => ["domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"],
            Lang::Nl => ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
            Lang::Pt => ["domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"],
            Lang::Pl => ["niedziela", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota"],
            Lang::Ja => ["日", "月", "火", "水", "木", "金", "土"],
            Lang::Ar => ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"],
        }
    }

    /// The months as they read after a day's number (Polish: "10 grudnia").
    #[rustfmt::skip]
    fn months(self) -> [&'static str; 12] {
        match self {
            Lang::En => ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
            Lang::De => ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
            Lang::Fr => ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
            Lang::Es => ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
            Lang::It => ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
            Lang::Nl => ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
            Lang::Pt => ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"],
            Lang::Pl => ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
            Lang::Ja => ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
            Lang::Ar => ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
        }
    }

    /// A day written in one of its formats: chrono writes the numbers,
    /// the names are this language's own.
    fn write_day(self, day: impl Datelike, numbers: impl std::fmt::Display) -> String {
        numbers
            .to_string()
            .replace(
                "{weekday}",
                self.weekdays()[day.weekday().num_days_from_sunday() as usize],
            )
            .replace("{month}", self.months()[day.month0() as usize])
    }
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    /// Exactly a code invitectl speaks (`de`, case-insensitive), for `--lang`
    /// and the `lang` column; a region is refused there, to keep one spelling.
    fn from_str(code: &str) -> Result<Lang, String> {
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| {
                format!(
                    "\"{code}\" is not a language invitectl speaks; use one of {}",
                    Lang::codes()
                )
            })
    }
}

/// A language's catalogue: the bundle, and its messages prepared once, as
/// most of a page's words are: the ones without variables already
/// formatted, and the ones that only put values into fixed words as those
/// words around each variable. A page then formats nothing anew; only a
/// message that chooses its words by a value (a plural) goes through fluent.
struct Messages {
    bundle: FluentBundle<FluentResource>,
    plain: foldhash::HashMap<String, Plain>,
    filled: foldhash::HashMap<String, Vec<Piece>>,
}

/// A message without variables, as text and as HTML.
struct Plain {
    text: String,
    html: String,
}

/// A message already escaped for HTML, which a page template writes as it is.
#[derive(Debug, Clone, Copy)]
pub struct Escaped(&'static str);

impl std::fmt::Display for Escaped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl askama::filters::HtmlSafe for Escaped {}

impl askama::FastWritable for Escaped {
    fn write_into<W: std::fmt::Write + ?Sized>(
        &self,
        dest: &mut W,
        _: &dyn askama::Values,
    ) -> askama::Result<()> {
        Ok(dest.write_str(self.0)?)
    }
}

/// A part of a message with variables: its own words or a variable's value.
enum Piece {
    Words(String),
    Variable(String),
}

/// Around a variable's name while a message is cut into pieces: characters
/// no catalogue uses.
const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';

impl Messages {
    fn parse(lang: Lang) -> Messages {
        let resource =
            FluentResource::try_new(lang.catalogue().to_string()).unwrap_or_else(|(_, errors)| {
                panic!("locales/{}/invitectl.ftl: {errors:?}", lang.code())
            });
        let ids: Vec<String> = resource
            .entries()
            .filter_map(|entry| match entry {
                ast::Entry::Message(message) => Some(message.id.name.to_string()),
                _ => None,
            })
            .collect();
        let id = lang.code().parse().expect("a language code is a valid tag");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No invisible isolation marks around values: they would end up
        // inside links and addresses that people copy.
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .expect("a catalogue defines each message once");
        let mut plain = foldhash::HashMap::default();
        let mut filled = foldhash::HashMap::default();
        for id in ids {
            let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
                continue;
            };
            let mut variables = Vec::new();
            if !only_fills_in(pattern, &mut variables) {
                continue;
            }
            // Formatted by fluent itself, each variable's value a marked
            // name, so that the words are exactly fluent's.
            let mut marked = FluentArgs::new();
            for name in &variables {
                marked.set(name.clone(), format!("{OPEN}{name}{CLOSE}"));
            }
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&marked), &mut errors);
            assert!(errors.is_empty(), "{lang} {id}: {errors:?}");
            if variables.is_empty() {
                let html = escape_html(&text);
                let text = text.into_owned();
                plain.insert(id, Plain { text, html });
            } else {
                filled.insert(id, pieces(&text));
            }
        }
        Messages {
            bundle,
            plain,
            filled,
        }
    }
}

/// Whether a message only puts values where its variables are (no choice
/// by a value, no function), listing its variables.
fn only_fills_in(pattern: &ast::Pattern<&str>, variables: &mut Vec<String>) -> bool {
    pattern.elements.iter().all(|element| match element {
        ast::PatternElement::TextElement { .. } => true,
        ast::PatternElement::Placeable { expression } => match expression {
            ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
                variables.push(id.name.to_string());
                true
            }
            ast::Expression::Inline(
                ast::InlineExpression::StringLiteral { .. }
                | ast::InlineExpression::MessageReference { .. },
            ) => true,
            _ => false,
        },
    })
}

fn pieces(marked: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = marked;
    while let Some(open) = rest.find(OPEN) {
        let close = rest[open..].find(CLOSE).expect("a marked name ends") + open;
        if open > 0 {
            pieces.push(Piece::Words(rest[..open].to_string()));
        }
        pieces.push(Piece::Variable(rest[open + 1..close].to_string()));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Words(rest.to_string()));
    }
    pieces
}

/// `q=0.8` as 800; `None` for a value that is not one.
fn quality_in_thousandths(value: &str) -> Option<u16> {
    let value: f32 = value.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

/// The time zone dates are shown in, by its IANA name (`Europe/Berlin`).
///
/// A zone is read from the time zone database built into the binary when it
/// is first named and then kept for the process, so that a `Zone` (and so
/// [`Texts`]) is a copyable reference. The database is one blob read per
/// zone: a table of every zone's transitions would cost each command,
/// however short, tens of thousands of pointers to relocate as it starts.
#[derive(Clone, Copy)]
pub struct Zone(&'static jiff::tz::TimeZone);

static UTC: jiff::tz::TimeZone = jiff::tz::TimeZone::UTC;

impl Zone {
    pub const UTC: Zone = Zone(&UTC);

    pub fn parse(name: &str) -> Result<Zone, String> {
        static READ: Mutex<Vec<&'static jiff::tz::TimeZone>> = Mutex::new(Vec::new());
        let mut read = READ.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(zone) = read.iter().find(|zone| {
            zone.iana_name()
                .is_some_and(|known| known.eq_ignore_ascii_case(name))
        }) {
            return Ok(Zone(zone));
        }
        let zone = jiff::tz::TimeZone::get(name).map_err(|_| {
            format!(
                "\"{name}\" is not an IANA time zone name; use one like \"UTC\" or \"Europe/Berlin\""
            )
        })?;
        let zone: &'static jiff::tz::TimeZone = Box::leak(Box::new(zone));
        read.push(zone);
        Ok(Zone(zone))
    }

    pub fn name(self) -> &'static str {
        self.0.iana_name().unwrap_or("UTC")
    }

    /// The offset from UTC at this instant, and the abbreviation of the
    /// zone's time then ("CET", "+04").
    fn offset_at(self, at: DateTime<Utc>) -> (FixedOffset, String) {
        let Ok(instant) = jiff::Timestamp::from_second(at.timestamp()) else {
            return (FixedOffset::east_opt(0).expect("zero"), "UTC".into());
        };
        let info = self.0.to_offset_info(instant);
        let offset =
            FixedOffset::east_opt(info.offset().seconds()).expect("a zone's offset is under a day");
        (offset, info.abbreviation().to_string())
    }
}

impl std::fmt::Debug for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A value for a message's variable.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// Text from a person or the configuration: escaped in HTML.
    Text(&'a str),
    /// Markup this program built (a link): put into HTML as it is.
    Markup(&'a str),
    /// A count, for the plural rules.
    Number(i64),
}

/// The words of one language, with the organization's time zone: what a
/// page or a mail is written with.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    pub lang: Lang,
    zone: Zone,
}

impl Texts {
    pub fn new(lang: Lang, zone: Zone) -> Texts {
        Texts { lang, zone }
    }

    /// `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// `<html dir>`.
    pub fn dir(&self) -> &'static str {
        self.lang.dir()
    }

    /// Whether the catalogues have a message `key`.
    pub fn has(&self, key: &str) -> bool {
        Lang::En.bundle().has_message(key)
    }

    /// A message without variables, as plain text.
    pub fn get(&self, key: &str) -> &'static str {
        &self.plain(key).text
    }

    /// A message without variables as HTML, escaped once for all: a page
    /// template shows it as it is.
    pub fn escaped(&self, key: &str) -> Escaped {
        Escaped(&self.plain(key).html)
    }

    fn plain(&self, key: &str) -> &'static Plain {
        self.lang
            .plain(key)
            .or_else(|| Lang::En.plain(key))
            .unwrap_or_else(|| panic!("no message {key} without variables in the catalogues"))
    }

    /// A message with variables, as plain text (a template escapes it).
    pub fn text(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.format(key, args, false)
    }

    /// A message with variables as HTML: its own markup kept, each
    /// [`Arg::Text`] escaped.
    pub fn html(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.format(key, args, true)
    }

    fn format(&self, key: &str, args: &[(&str, Arg<'_>)], html: bool) -> String {
        // A message missing from a translation falls back to English (the
        // catalogue test makes sure none is); never to its key.
        if let Some(pieces) = self.lang.messages().filled.get(key) {
            return fill(pieces, args, html);
        }
        let lang = if self.lang.bundle().has_message(key) {
            self.lang
        } else {
            Lang::En
        };
        if let Some(pieces) = lang.messages().filled.get(key) {
            return fill(pieces, args, html);
        }
        let bundle = lang.bundle();
        let message = bundle
            .get_message(key)
            .unwrap_or_else(|| panic!("no message {key} in locales/en/invitectl.ftl"));
        let pattern = message
            .value()
            .unwrap_or_else(|| panic!("the message {key} has no value"));
        let mut values = FluentArgs::new();
        for (name, arg) in args {
            let value = match arg {
                Arg::Text(text) if html => FluentValue::from(escape_html(text)),
                Arg::Text(text) | Arg::Markup(text) => FluentValue::from(*text),
                Arg::Number(n) => FluentValue::from(*n),
            };
            values.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&values), &mut errors);
        debug_assert!(errors.is_empty(), "{key}: {errors:?}");
        text.into_owned()
    }

    /// "Thursday, 10 December 2026 at 15:05 CET", in this language and zone.
    pub fn date_time(&self, at: DateTime<Utc>) -> String {
        let (offset, abbreviation) = self.zone.offset_at(at);
        let local = at.with_timezone(&offset);
        // "CET" names a zone; "+04" does not, so its IANA name does.
        let zone = if abbreviation.chars().all(|c| c.is_ascii_alphabetic()) {
            abbreviation
        } else {
            self.zone.name().to_string()
        };
        self.lang
            .write_day(local, local.format(self.lang.date_time_format()))
            .replace("{zone}", &zone)
    }

    /// "Thursday, 10 December 2026": a calendar day, as end dates are.
    pub fn date(&self, day: NaiveDate) -> String {
        self.lang
            .write_day(day, day.format(self.lang.date_format()))
    }

    /// "24 hours", "30 minutes", "7 days": a lifetime in its largest whole unit.
    pub fn duration(&self, duration: std::time::Duration) -> String {
        let minutes = (duration.as_secs() / 60) as i64;
        let (key, count) = if minutes >= 2 * 24 * 60 && minutes % (24 * 60) == 0 {
            ("duration-days", minutes / (24 * 60))
        } else if minutes >= 60 && minutes % 60 == 0 {
            ("duration-hours", minutes / 60)
        } else {
            ("duration-minutes", minutes.max(1))
        };
        self.text(key, &[("count", Arg::Number(count))])
    }
}

/// The five characters that mean something in HTML text and attributes.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    escape_into(&mut escaped, text);
    escaped
}

fn escape_into(out: &mut String, text: &str) {
    let mut done = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[done..at]);
        out.push_str(entity);
        done = at + 1;
    }
    out.push_str(&text[done..]);
}

/// A prepared message with its values put in, as fluent would have written it.
fn fill(pieces: &[Piece], args: &[(&str, Arg<'_>)], html: bool) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(128);
    for piece in pieces {
        match piece {
            Piece::Words(words) => out.push_str(words),
            Piece::Variable(name) => match args.iter().find(|(arg, _)| arg == name) {
                Some((_, Arg::Text(text))) if html => escape_into(&mut out, text),
                Some((_, Arg::Text(text) | Arg::Markup(text))) => out.push_str(text),
                Some((_, Arg::Number(n))) => write!(out, "{n}").expect("a String takes it"),
                // What fluent writes for a value not given.
                None => {
                    debug_assert!(false, "no value for ${name}");
                    write!(out, "{{${name}}}").expect("a String takes it");
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::TimeZone;
    use fluent_syntax::ast;

    use super::*;

    /// Each message of a catalogue with the variables it uses.
    fn messages(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(lang.catalogue())
            .unwrap_or_else(|(_, errors)| panic!("{lang}: {errors:?}"));
        resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                ast::Entry::Message(message) => Some((
                    message.id.name.to_string(),
                    message.value.as_ref().map(variables).unwrap_or_default(),
                )),
                _ => None,
            })
            .collect()
    }

    fn variables(pattern: &ast::Pattern<&str>) -> BTreeSet<String> {
        fn walk(expression: &ast::Expression<&str>, found: &mut BTreeSet<String>) {
            let inline = match expression {
                ast::Expression::Select { selector, variants } => {
                    for variant in variants {
                        found.extend(variables(&variant.value));
                    }
                    selector
                }
                ast::Expression::Inline(inline) => inline,
            };
            match inline {
                ast::InlineExpression::VariableReference { id } => {
                    found.insert(id.name.to_string());
                }
                ast::InlineExpression::Placeable { expression } => walk(expression, found),
                _ => {}
            }
        }
        let mut found = BTreeSet::new();
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                walk(expression, &mut found);
            }
        }
        found
    }

    #[test]
    fn every_message_is_in_every_language_with_the_same_variables() {
        let english = messages(Lang::En);
        assert!(english.len() > 50, "{}", english.len());
        for lang in Lang::ALL {
            let translated = messages(lang);
            let missing: Vec<&String> = english
                .keys()
                .filter(|key| !translated.contains_key(*key))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            let extra: Vec<&String> = translated
                .keys()
                .filter(|key| !english.contains_key(*key))
                .collect();
            assert!(
                extra.is_empty(),
                "{lang} has messages English has not: {extra:?}"
            );
            for (key, wanted) in &english {
                assert_eq!(&translated[key], wanted, "{lang}: the variables of {key}");
            }
            // Every message formats without an error (a bad selector, say).
            let texts = Texts::new(lang, Zone::UTC);
            for key in english.keys() {
                let bundle = lang.bundle();
                let pattern = bundle.get_message(key).unwrap().value().unwrap();
                let mut args = FluentArgs::new();
                for name in &english[key] {
                    args.set(name.as_str(), FluentValue::from(2));
                }
                let mut errors = Vec::new();
                bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{lang} {key}: {errors:?}");
            }
            assert!(
                !texts
                    .duration(std::time::Duration::from_secs(3600))
                    .is_empty()
            );
        }
    }

    #[test]
    fn accept_language_finds_the_best_language_spoken() {
        let best = |header| Lang::from_accept_language(header);
        assert_eq!(
            best("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
            Some(Lang::Fr)
        );
        assert_eq!(best("de-DE"), Some(Lang::De));
        assert_eq!(best("sv, nl;q=0.3, en;q=0.2"), Some(Lang::Nl));
        assert_eq!(best("en;q=0.5, ja"), Some(Lang::Ja));
        assert_eq!(best("pt-BR;q=0.9, es;q=0.9"), Some(Lang::Pt));
        assert_eq!(best("ar;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(best("sv, fi"), None);
        assert_eq!(best(""), None);
        assert_eq!(best("de;q=banana"), None);
    }

    #[test]
    fn a_lang_flag_takes_exactly_a_code() {
        assert_eq!("DE".parse::<Lang>(), Ok(Lang::De));
        let refused = "de-CH".parse::<Lang>().unwrap_err();
        assert!(refused.contains("use one of en, de, fr"), "{refused}");
    }

    #[test]
    fn dates_read_as_each_language_writes_them_with_the_zone_named() {
        let at = Utc.with_ymd_and_hms(2026, 12, 10, 14, 5, 0).unwrap();
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let cases = [
            (
                Lang::En,
                Zone::UTC,
                "Thursday, 10 December 2026 at 14:05 UTC",
            ),
            (
                Lang::De,
                berlin,
                "Donnerstag, 10. Dezember 2026, 15:05 Uhr (CET)",
            ),
            (
                Lang::Pl,
                Zone::UTC,
                "czwartek, 10 grudnia 2026, 14:05 (UTC)",
            ),
            (Lang::Ja, Zone::UTC, "2026年12月10日(木) 14:05 (UTC)"),
            (
                Lang::Fr,
                Zone::parse("Asia/Dubai").unwrap(),
                "jeudi 10 décembre 2026 à 18:05 (Asia/Dubai)",
            ),
        ];
        for (lang, zone, expected) in cases {
            assert_eq!(Texts::new(lang, zone).date_time(at), expected);
        }
        let day = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        assert_eq!(
            Texts::new(Lang::De, Zone::UTC).date(day),
            "Mittwoch, 31. März 2027"
        );
    }

    #[test]
    fn a_zone_is_an_iana_name_and_its_summer_time_is_named() {
        let berlin = Zone::parse("europe/berlin").unwrap();
        assert_eq!(berlin.name(), "Europe/Berlin");
        let summer = Utc.with_ymd_and_hms(2027, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(
            Texts::new(Lang::En, berlin).date_time(summer),
            "Thursday, 1 July 2027 at 14:00 CEST"
        );
        let refused = Zone::parse("Mars/Olympus").unwrap_err();
        assert_eq!(
            refused,
            "\"Mars/Olympus\" is not an IANA time zone name; use one like \"UTC\" or \"Europe/Berlin\""
        );
    }

    #[test]
    fn a_prepared_message_reads_exactly_as_fluent_writes_it() {
        let values = [
            Arg::Text("Ann <ann@acme.example> & \"Bob's\""),
            Arg::Markup("<a href=\"mailto:x\">x</a>"),
            Arg::Number(1),
            Arg::Number(12345),
        ];
        for lang in Lang::ALL {
            let messages = lang.messages();
            assert!(!messages.filled.is_empty(), "{lang}");
            for (key, pieces) in &messages.filled {
                let names: Vec<&str> = pieces
                    .iter()
                    .filter_map(|piece| match piece {
                        Piece::Variable(name) => Some(name.as_str()),
                        Piece::Words(_) => None,
                    })
                    .collect();
                for value in values {
                    let args: Vec<(&str, Arg<'_>)> = names.iter().map(|n| (*n, value)).collect();
                    for html in [false, true] {
                        let mut fluent_args = FluentArgs::new();
                        for (name, arg) in &args {
                            fluent_args.set(
                                *name,
                                match arg {
                                    Arg::Text(text) if html => FluentValue::from(escape_html(text)),
                                    Arg::Text(text) | Arg::Markup(text) => FluentValue::from(*text),
                                    Arg::Number(n) => FluentValue::from(*n),
                                },
                            );
                        }
                        let pattern = messages.bundle.get_message(key).unwrap().value().unwrap();
                        let mut errors = Vec::new();
                        let fluent = messages.bundle.format_pattern(
                            pattern,
                            Some(&fluent_args),
                            &mut errors,
                        );
                        assert_eq!(fill(pieces, &args, html), fluent, "{lang} {key}");
                    }
                }
            }
        }
    }

    #[test]
    fn values_are_escaped_in_html_and_markup_is_not() {
        let texts = Texts::new(Lang::En, Zone::UTC);
        let html = texts.html(
            "expired-contact",
            &[("contact", Arg::Markup("<a href=\"mailto:x@y\">x@y</a>"))],
        );
        assert!(html.contains("<a href=\"mailto:x@y\">x@y</a>"), "{html}");
        assert_eq!(
            escape_html("<b>\"A&B\"</b>"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn lifetimes_are_counted_with_the_plural_rules() {
        let en = Texts::new(Lang::En, Zone::UTC);
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(en.duration(hour), "1 hour");
        assert_eq!(en.duration(hour * 24), "24 hours");
        assert_eq!(en.duration(hour * 24 * 7), "7 days");
        assert_eq!(en.duration(hour / 2), "30 minutes");
        let pl = Texts::new(Lang::Pl, Zone::UTC);
        assert_eq!(pl.duration(hour * 2), "2 godziny");
        assert_eq!(pl.duration(hour * 5), "5 godzin");
    }
}
