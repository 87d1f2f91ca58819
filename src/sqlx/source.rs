//! What a handle runs on: a pool, or one connection (a transaction's, a
//! pooled one, a plain one) lent to it, and the connection an operation
//! leases from it.

use std::sync::{Mutex, PoisonError};

use ::sqlx::pool::PoolConnection;
use ::sqlx::{Pool, Transaction};

use super::{Dialect, Error};

mod sealed {
    pub trait Sealed {}
}

/// Something [`SoftDeleteExt::on`](super::SoftDeleteExt::on) runs a model's
/// operations on: `&Pool<DB>` (or a `Pool<DB>`), `&mut Transaction<'_, DB>`,
/// `&mut PoolConnection<DB>` or `&mut DB::Connection`
/// (`&mut SqliteConnection`, `&mut PgConnection`, `&mut MySqlConnection`),
/// for a [`Dialect`] `DB`. Sealed.
pub trait Source<'c>: sealed::Sealed {
    /// The database it connects to.
    type Database: Dialect;

    #[doc(hidden)]
    fn into_connections(self) -> Connections<'c, Self::Database>;
}

/// Where a handle's operations get their connection.
#[doc(hidden)]
pub enum Connections<'c, DB: Dialect> {
    /// A connection from the pool per operation.
    Pool(Pool<DB>),
    /// The one connection lent to the handle; `None` while an operation has
    /// it.
    One(Mutex<Option<&'c mut DB::Connection>>),
}

impl<'c, DB: Dialect> Connections<'c, DB> {
    fn one(connection: &'c mut DB::Connection) -> Self {
        Connections::One(Mutex::new(Some(connection)))
    }

    /// A connection for one operation; [`Error::Busy`] when the one lent
    /// connection is in use by another operation of the same handle.
    pub(crate) async fn lease(&self, table: &'static str) -> Result<Leased<'_, 'c, DB>, Error> {
        match self {
            Connections::Pool(pool) => Ok(Leased::Pooled {
                connection: pool.acquire().await?,
                interrupted: false,
            }),
            Connections::One(slot) => {
                let taken = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                match taken {
                    Some(connection) => Ok(Leased::Lent {
                        slot,
                        connection: Some(connection),
                    }),
                    None => Err(Error::Busy { table }),
                }
            }
        }
    }
}

/// The connection of one operation: back to the pool, or back into the
/// handle, when dropped (also when the operation's future is dropped).
pub(crate) enum Leased<'h, 'c, DB: Dialect> {
    Pooled {
        connection: PoolConnection<DB>,
        /// Raised while a statement is in flight on MySQL/MariaDB, so still
        /// raised when the operation's future is dropped midway: the
        /// connection is then closed, not returned. Its stream may stand mid-exchange, and sqlx's pool
        /// tests a returned connection with a ping that has no timeout: a
        /// desynchronised one waits for ever and its pool slot with it
        /// (launchbadge/sqlx#563). Closing it ends its transaction and
        /// locks on the server too.
        interrupted: bool,
    },
    Lent {
        slot: &'h Mutex<Option<&'c mut DB::Connection>>,
        // `Some` until dropped.
        connection: Option<&'c mut DB::Connection>,
    },
}

impl<DB: Dialect> Leased<'_, '_, DB> {
    /// The connection, and the flag to raise if the operation is dropped
    /// with a statement in flight (`None` for a lent connection, whose
    /// owner decides its fate).
    pub(crate) fn parts(&mut self) -> (&mut DB::Connection, Option<&mut bool>) {
        match self {
            Leased::Pooled {
                connection,
                interrupted,
            } => (connection, Some(interrupted)),
            Leased::Lent { connection, .. } => (
                connection
                    .as_deref_mut()
                    .unwrap_or_else(|| unreachable!("a lent connection is taken only on drop")),
                None,
            ),
        }
    }
}

impl<DB: Dialect> Drop for Leased<'_, '_, DB> {
    fn drop(&mut self) {
        match self {
            Leased::Pooled {
                connection,
                interrupted: true,
            } => connection.close_on_drop(),
            Leased::Pooled { .. } => {}
            Leased::Lent { slot, connection } => {
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = connection.take();
            }
        }
    }
}

impl<DB: Dialect> sealed::Sealed for &Pool<DB> {}
impl<'c, DB: Dialect> Source<'c> for &Pool<DB> {
    type Database = DB;

    fn into_connections(self) -> Connections<'c, DB> {
        Connections::Pool(self.clone())
    }
}

impl<DB: Dialect> sealed::Sealed for Pool<DB> {}
impl<'c, DB: Dialect> Source<'c> for Pool<DB> {
    type Database = DB;

    fn into_connections(self) -> Connections<'c, DB> {
        Connections::Pool(self)
    }
}

impl<DB: Dialect> sealed::Sealed for &mut Transaction<'_, DB> {}
impl<'c, DB: Dialect> Source<'c> for &'c mut Transaction<'_, DB> {
    type Database = DB;

    fn into_connections(self) -> Connections<'c, DB> {
        Connections::one(&mut **self)
    }
}

impl<DB: Dialect> sealed::Sealed for &mut PoolConnection<DB> {}
impl<'c, DB: Dialect> Source<'c> for &'c mut PoolConnection<DB> {
    type Database = DB;

    fn into_connections(self) -> Connections<'c, DB> {
        Connections::one(&mut **self)
    }
}

macro_rules! connection_source {
    ($feature:literal, $connection:ty, $database:ty) => {
        #[cfg(feature = $feature)]
        impl sealed::Sealed for &mut $connection {}
        #[cfg(feature = $feature)]
        impl<'c> Source<'c> for &'c mut $connection {
            type Database = $database;

            fn into_connections(self) -> Connections<'c, $database> {
                Connections::one(self)
            }
        }
    };
}

connection_source!("sqlx-sqlite", ::sqlx::SqliteConnection, ::sqlx::Sqlite);
connection_source!("sqlx-postgres", ::sqlx::PgConnection, ::sqlx::Postgres);
connection_source!("sqlx-mysql", ::sqlx::MySqlConnection, ::sqlx::MySql);
