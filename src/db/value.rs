//! Values going into a statement and columns coming out of a row, the same
//! Rust types on both engines. SQLite keeps an instant as its RFC 3339 stamp
//! (fixed width, so it compares as text) and a boolean as 0/1; PostgreSQL
//! has `timestamptz` and `boolean`.

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::time::{parse_stamp, stamp};

/// One parameter of a statement.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
    Time(DateTime<Utc>),
    Bool(bool),
}

impl From<i64> for Value<'_> {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}

impl From<u32> for Value<'_> {
    fn from(value: u32) -> Self {
        Value::Int(i64::from(value))
    }
}

impl From<&i64> for Value<'_> {
    fn from(value: &i64) -> Self {
        Value::Int(*value)
    }
}

impl From<bool> for Value<'_> {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(value: &'a str) -> Self {
        Value::Text(value)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(value: &'a String) -> Self {
        Value::Text(value)
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(value: &'a [u8]) -> Self {
        Value::Blob(value)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Value<'a> {
    fn from(value: &'a [u8; N]) -> Self {
        Value::Blob(value)
    }
}

impl From<DateTime<Utc>> for Value<'_> {
    fn from(value: DateTime<Utc>) -> Self {
        Value::Time(value)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(value) => ToSqlOutput::Borrowed(ValueRef::Integer(*value)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Blob(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
            Value::Time(instant) => ToSqlOutput::Owned(stamp(*instant).into()),
            Value::Bool(value) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*value))),
        })
    }
}

impl postgres::types::ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            // Parameters compared with a literal (`?1 = 1`) are typed int4.
            Value::Int(value) if *ty == Type::INT4 => i32::try_from(*value)?.to_sql(ty, out),
            Value::Int(value) => value.to_sql(ty, out),
            Value::Text(text) => text.to_sql(ty, out),
            Value::Blob(bytes) => bytes.to_sql(ty, out),
            Value::Time(instant) => instant.to_sql(ty, out),
            Value::Bool(value) => value.to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// One row of a result, whichever engine produced it.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl Row<'_> {
    /// Column `index` (from 0) as a `T`.
    pub fn get<T: Column>(&self, index: usize) -> Result<T> {
        match self {
            Row::Sqlite(row) => Ok(T::from_sqlite(row, index)?),
            Row::Postgres(row) => Ok(T::from_postgres(row, index)?),
        }
    }
}

/// A Rust type a column can be read as.
pub trait Column: Sized {
    fn from_sqlite(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self>;
    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self>;
}

fn postgres_error(row: &postgres::Row, index: usize, error: postgres::Error) -> Error {
    Error::Storage {
        message: format!(
            "column {} cannot be read: {error}",
            row.columns().get(index).map_or("?", |c| c.name())
        ),
        kind: crate::error::StorageKind::Other,
    }
}

/// Types that both drivers read as they are.
macro_rules! plain_column {
    ($($type:ty),*) => {$(
        impl Column for $type {
            fn from_sqlite(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self> {
                row.get(index)
            }
            fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self> {
                row.try_get(index).map_err(|e| postgres_error(row, index, e))
            }
        }
    )*};
}

plain_column!(String, Option<String>, bool, Option<bool>, Vec<u8>);

impl Column for i64 {
    fn from_sqlite(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self> {
        row.get(index)
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self> {
        Option::<i64>::from_postgres(row, index)?.ok_or_else(|| Error::Storage {
            message: format!("column {index} is unexpectedly NULL"),
            kind: crate::error::StorageKind::Other,
        })
    }
}

impl Column for Option<i64> {
    fn from_sqlite(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self> {
        row.get(index)
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self> {
        // Literals and some functions give int4; our columns are all bigint.
        let read = if row.columns()[index].type_() == &postgres::types::Type::INT4 {
            row.try_get::<_, Option<i32>>(index)
                .map(|value| value.map(i64::from))
        } else {
            row.try_get(index)
        };
        read.map_err(|e| postgres_error(row, index, e))
    }
}

impl Column for DateTime<Utc> {
    fn from_sqlite(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self> {
        let text = row.get_ref(index)?.as_str()?;
        parse_stamp(text).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                format!("not an RFC 3339 time: {text:?}").into(),
            )
        })
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self> {
        row.try_get(index)
            .map_err(|e| postgres_error(row, index, e))
    }
}

impl Column for Option<DateTime<Utc>> {
    fn from_sqlite(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self> {
        match row.get_ref(index)? {
            rusqlite::types::ValueRef::Null => Ok(None),
            _ => DateTime::<Utc>::from_sqlite(row, index).map(Some),
        }
    }

    fn from_postgres(row: &postgres::Row, index: usize) -> Result<Self> {
        row.try_get(index)
            .map_err(|e| postgres_error(row, index, e))
    }
}
