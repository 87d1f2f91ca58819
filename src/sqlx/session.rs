//! The sqlx adapter: a connection as a plan-running [`Session`].

use std::future::Future;

use ::sqlx::{AssertSqlSafe, Connection as _, Database, SqlSafeStr as _};
use sqlx_core::transaction::TransactionManager;

use super::{Dialect, Model};
use crate::__layer::value::prepare;
use crate::__layer::{Fault, Hook, Session, Sql};
use crate::hooks::{dispatch, Hooks};
use crate::{Backend, HasHooks, HookError};

/// One operation's connection. A transaction it began and did not end
/// (the operation's future was dropped midway) is rolled back on drop, as
/// sqlx's own `Transaction` does.
pub(crate) struct SqlxSession<'a, DB: Dialect> {
    connection: &'a mut DB::Connection,
    /// Transactions or savepoints this session began and has not ended.
    open: usize,
}

impl<'a, DB: Dialect> SqlxSession<'a, DB> {
    pub(crate) fn new(connection: &'a mut DB::Connection) -> Self {
        SqlxSession {
            connection,
            open: 0,
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
        async move { Ok(DB::rows_affected(&running?.await?)) }
    }

    fn fetch_optional(
        &mut self,
        sql: Sql,
    ) -> impl Future<Output = Result<Option<T>, ::sqlx::Error>> + Send {
        let running =
            query::<DB>(sql).map(|query| query.fetch_optional(DB::executor(self.connection)));
        async move { running?.await?.as_ref().map(T::from_row).transpose() }
    }

    fn fetch_all(
        &mut self,
        sql: Sql,
    ) -> impl Future<Output = Result<Vec<T>, ::sqlx::Error>> + Send {
        let running = query::<DB>(sql).map(|query| query.fetch_all(DB::executor(self.connection)));
        async move { running?.await?.iter().map(T::from_row).collect() }
    }

    fn fetch_count(&mut self, sql: Sql) -> impl Future<Output = Result<u64, ::sqlx::Error>> + Send {
        let running = query::<DB>(sql).map(|query| query.fetch_one(DB::executor(self.connection)));
        // COUNT(*) is never negative.
        async move { Ok(u64::try_from(DB::first_integer(&running?.await?)?).unwrap_or_default()) }
    }

    fn begin(&mut self, write: bool) -> impl Future<Output = Result<(), ::sqlx::Error>> + Send {
        // SQLite's deferred BEGIN takes the write lock at the first write; a
        // transaction that reads first could then fail to upgrade.
        let statement =
            (write && DB::BACKEND == Backend::Sqlite && !self.connection.is_in_transaction())
                .then(|| AssertSqlSafe("BEGIN IMMEDIATE").into_sql_str());
        async move {
            <DB as Database>::TransactionManager::begin(self.connection, statement).await?;
            self.open += 1;
            Ok(())
        }
    }

    async fn commit(&mut self) -> Result<(), ::sqlx::Error> {
        // As sqlx's `Transaction`: a transaction that failed to commit stays
        // open, and is rolled back on drop.
        <DB as Database>::TransactionManager::commit(self.connection).await?;
        self.open -= 1;
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), ::sqlx::Error> {
        <DB as Database>::TransactionManager::rollback(self.connection).await?;
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
        dispatch::<T, DB, <T as HasHooks>::Hooks>(self.connection, hook)
    }

    fn fault(error: &::sqlx::Error) -> Fault {
        super::error::fault(error)
    }

    fn not_found(_table: &'static str) -> ::sqlx::Error {
        ::sqlx::Error::RowNotFound
    }

    fn lock_timeout(table: &'static str) -> ::sqlx::Error {
        ::sqlx::Error::Protocol(format!(
            "the create-or-restore lock of `{table}` was not granted within innodb_lock_wait_timeout"
        ))
    }
}

impl<DB: Dialect> crate::hooks::Layer for DB {
    type Connection = DB::Connection;
}
