//! The sqlx adapter: a connection as a plan-running [`Session`].

use std::future::Future;

use ::sqlx::{AssertSqlSafe, Connection as _, Database, SqlSafeStr as _};
use sqlx_core::transaction::TransactionManager;

use super::source::Leased;
use super::{Dialect, Model};
use crate::__layer::value::prepare;
use crate::__layer::{Fault, Hook, Session, Sql};
use crate::hooks::{dispatch, Hooks};
use crate::{Backend, HasHooks, HookError};

/// One operation's connection. A transaction it began and did not end
/// (the operation's future was dropped midway) is rolled back on drop, as
/// sqlx's own `Transaction` does; dropped with a statement in flight, it
/// has its pooled connection closed ([`Leased`]).
pub(crate) struct SqlxSession<'a, DB: Dialect> {
    connection: &'a mut DB::Connection,
    /// Transactions or savepoints this session began and has not ended.
    open: usize,
    /// The pooled connection's flag ([`Leased`]), raised while a statement
    /// (or a hook) is between being sent and being answered: an operation
    /// dropped then leaves it raised. `None` where nothing is to be closed.
    interrupted: Option<&'a mut bool>,
}

impl<'a, DB: Dialect> SqlxSession<'a, DB> {
    pub(crate) fn new(leased: &'a mut Leased<'_, '_, DB>) -> Self {
        let (connection, interrupted) = leased.parts();
        // Only MySQL/MariaDB's stream is left mid-exchange: sqlx's SQLite
        // connection runs each statement to its end on its own thread (and
        // closing it would end an in-memory database), and its PostgreSQL
        // connection counts the answers it still owes and reads them first.
        let interrupted = interrupted.filter(|_| DB::BACKEND == Backend::MySql);
        SqlxSession {
            connection,
            open: 0,
            interrupted,
        }
    }
}

impl<DB: Dialect> Drop for SqlxSession<'_, DB> {
    fn drop(&mut self) {
        for _ in 0..self.open {
            <DB as Database>::TransactionManager::start_rollback(self.connection);
        }
    }
}

/// Runs `exchange` with `interrupted` raised until it is answered.
async fn tracked<F: Future>(interrupted: Option<&mut bool>, exchange: F) -> F::Output {
    let Some(interrupted) = interrupted else {
        return exchange.await;
    };
    *interrupted = true;
    let answer = exchange.await;
    *interrupted = false;
    answer
}

type Query<DB> = ::sqlx::query::Query<'static, DB, <DB as Dialect>::Values>;

/// `sql` ready to run: its values guarded ([`prepare`]), a value the
/// database cannot hold refused as sqlx's encode error before anything is
/// sent.
fn query<DB: Dialect>(sql: Sql) -> Result<Query<DB>, ::sqlx::Error> {
    let (text, values) = prepare(DB::BACKEND, sql.text, sql.values)
        .map_err(|error| ::sqlx::Error::Encode(Box::new(error)))?;
    Ok(::sqlx::query_with(AssertSqlSafe(text), DB::bind(values)))
}

impl<T: Model<DB>, DB: Dialect> Session<T> for SqlxSession<'_, DB> {
    type Error = ::sqlx::Error;

    fn backend(&self) -> Backend {
        DB::BACKEND
    }

    fn in_transaction(&self) -> bool {
        self.connection.is_in_transaction()
    }

    fn execute(&mut self, sql: Sql) -> impl Future<Output = Result<u64, ::sqlx::Error>> + Send {
        let running = query::<DB>(sql).map(|query| query.execute(DB::executor(self.connection)));
        let interrupted = self.interrupted.as_deref_mut();
        async move { Ok(DB::rows_affected(&tracked(interrupted, running?).await?)) }
    }

    fn fetch_optional(
        &mut self,
        sql: Sql,
    ) -> impl Future<Output = Result<Option<T>, ::sqlx::Error>> + Send {
        let running =
            query::<DB>(sql).map(|query| query.fetch_optional(DB::executor(self.connection)));
        let interrupted = self.interrupted.as_deref_mut();
        async move {
            tracked(interrupted, running?)
                .await?
                .as_ref()
                .map(T::from_row)
                .transpose()
        }
    }

    fn fetch_all(
        &mut self,
        sql: Sql,
    ) -> impl Future<Output = Result<Vec<T>, ::sqlx::Error>> + Send {
        let running = query::<DB>(sql).map(|query| query.fetch_all(DB::executor(self.connection)));
        let interrupted = self.interrupted.as_deref_mut();
        async move {
            tracked(interrupted, running?)
                .await?
                .iter()
                .map(T::from_row)
                .collect()
        }
    }

    fn fetch_count(&mut self, sql: Sql) -> impl Future<Output = Result<u64, ::sqlx::Error>> + Send {
        let running = query::<DB>(sql).map(|query| query.fetch_one(DB::executor(self.connection)));
        let interrupted = self.interrupted.as_deref_mut();
        // COUNT(*) is never negative.
        async move {
            let row = tracked(interrupted, running?).await?;
            Ok(u64::try_from(DB::first_integer(&row)?).unwrap_or_default())
        }
    }

    fn begin(&mut self, write: bool) -> impl Future<Output = Result<(), ::sqlx::Error>> + Send {
        // SQLite's deferred BEGIN takes the write lock at the first write; a
        // transaction that reads first could then fail to upgrade.
        let statement =
            (write && DB::BACKEND == Backend::Sqlite && !self.connection.is_in_transaction())
                .then(|| AssertSqlSafe("BEGIN IMMEDIATE").into_sql_str());
        async move {
            let begin = <DB as Database>::TransactionManager::begin(self.connection, statement);
            tracked(self.interrupted.as_deref_mut(), begin).await?;
            self.open += 1;
            Ok(())
        }
    }

    async fn commit(&mut self) -> Result<(), ::sqlx::Error> {
        // As sqlx's `Transaction`: a transaction that failed to commit stays
        // open, and is rolled back on drop.
        let commit = <DB as Database>::TransactionManager::commit(self.connection);
        tracked(self.interrupted.as_deref_mut(), commit).await?;
        self.open -= 1;
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), ::sqlx::Error> {
        let rollback = <DB as Database>::TransactionManager::rollback(self.connection);
        tracked(self.interrupted.as_deref_mut(), rollback).await?;
        self.open -= 1;
        Ok(())
    }

    fn has_hooks(&self) -> bool {
        <T::Hooks as Hooks<T, DB>>::ACTIVE
    }

    fn hook<'a>(
        &'a mut self,
        hook: Hook<'a, T>,
    ) -> impl Future<Output = Result<(), HookError>> + Send + 'a {
        tracked(
            self.interrupted.as_deref_mut(),
            dispatch::<T, DB, <T as HasHooks>::Hooks>(self.connection, hook),
        )
    }

    fn fault(error: &::sqlx::Error) -> Fault {
        super::error::fault(error)
    }

    fn not_found(_table: &'static str) -> ::sqlx::Error {
        ::sqlx::Error::RowNotFound
    }

    fn is_retryable(error: &::sqlx::Error) -> bool {
        super::error::retryable(error)
    }
}

impl<DB: Dialect> crate::hooks::Layer for DB {
    type Connection = DB::Connection;
}
