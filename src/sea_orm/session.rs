//! The SeaORM adapter: a `ConnectionTrait` as a plan-running [`Session`].

use std::future::Future;

use ::sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, SqlErr, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
};

use super::{Error, SeaOrm, SoftDeleteModel};
use crate::__layer::value::prepare;
use crate::__layer::{Fault, Hook, Session, Sql};
use crate::hooks::{dispatch, Hooks};
use crate::{Backend, HasHooks, HookError};

/// One operation's connection, with the transactions (then savepoints) it
/// began on it, innermost last. SeaORM rolls back a transaction dropped
/// unfinished, so a dropped operation leaves nothing behind.
pub(crate) struct SeaOrmSession<'c, C: TransactionTrait> {
    db: &'c C,
    backend: Backend,
    db_backend: DbBackend,
    open: Vec<C::Transaction>,
}

impl<'c, C: ConnectionTrait + TransactionTrait> SeaOrmSession<'c, C> {
    /// A session on `db`, or [`Error::UnsupportedBackend`] for a backend
    /// this library has no SQL for.
    pub(crate) fn new(db: &'c C) -> Result<Self, Error> {
        let db_backend = db.get_database_backend();
        let backend = match db_backend {
            DbBackend::Postgres => Backend::Postgres,
            DbBackend::MySql => Backend::MySql,
            DbBackend::Sqlite => Backend::Sqlite,
            backend => return Err(Error::UnsupportedBackend { backend }),
        };
        Ok(SeaOrmSession {
            db,
            backend,
            db_backend,
            open: Vec::new(),
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    /// `sql` ready to run: its values guarded ([`prepare`]), a value the
    /// database cannot hold refused before anything is sent.
    fn statement(&self, sql: Sql) -> Result<Statement, DbErr> {
        let (text, values) = prepare(self.backend, sql.text, sql.values)
            .map_err(|error| DbErr::Custom(error.to_string()))?;
        Ok(Statement::from_sql_and_values(
            self.db_backend,
            text.into_owned(),
            values,
        ))
    }
}

impl<T, C> Session<T> for SeaOrmSession<'_, C>
where
    T: SoftDeleteModel,
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    type Error = DbErr;

    fn backend(&self) -> Backend {
        self.backend
    }

    /// SeaORM does not say whether `C` is the caller's transaction, so
    /// every write takes a transaction of its own, a savepoint inside the
    /// caller's: a failed restore never spoils it.
    fn in_transaction(&self) -> bool {
        true
    }

    fn execute(&mut self, sql: Sql) -> impl Future<Output = Result<u64, DbErr>> + Send {
        let statement = self.statement(sql);
        async move {
            let statement = statement?;
            let result = match self.open.last() {
                Some(tx) => tx.execute_raw(statement).await?,
                None => self.db.execute_raw(statement).await?,
            };
            Ok(result.rows_affected())
        }
    }

    fn fetch_optional(
        &mut self,
        sql: Sql,
    ) -> impl Future<Output = Result<Option<T>, DbErr>> + Send {
        let statement = self.statement(sql);
        async move {
            let statement = statement?;
            let row = match self.open.last() {
                Some(tx) => tx.query_one_raw(statement).await?,
                None => self.db.query_one_raw(statement).await?,
            };
            row.map(|row| T::from_query_result(&row, "")).transpose()
        }
    }

    fn fetch_all(&mut self, sql: Sql) -> impl Future<Output = Result<Vec<T>, DbErr>> + Send {
        let statement = self.statement(sql);
        async move {
            let statement = statement?;
            let rows = match self.open.last() {
                Some(tx) => tx.query_all_raw(statement).await?,
                None => self.db.query_all_raw(statement).await?,
            };
            rows.iter()
                .map(|row| T::from_query_result(row, ""))
                .collect()
        }
    }

    fn fetch_count(&mut self, sql: Sql) -> impl Future<Output = Result<u64, DbErr>> + Send {
        let statement = self.statement(sql);
        async move {
            let statement = statement?;
            let row = match self.open.last() {
                Some(tx) => tx.query_one_raw(statement).await?,
                None => self.db.query_one_raw(statement).await?,
            };
            let count: i64 = match row {
                Some(row) => row.try_get_by_index(0)?,
                None => 0,
            };
            // COUNT(*) is never negative.
            Ok(u64::try_from(count).unwrap_or_default())
        }
    }

    fn begin(&mut self, write: bool) -> impl Future<Output = Result<(), DbErr>> + Send {
        // SQLite's deferred BEGIN takes the write lock at the first write; a
        // transaction that reads first could then fail to upgrade.
        let options = TransactionOptions {
            sqlite_transaction_mode: (write && self.backend == Backend::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        async move {
            let tx = match self.open.last() {
                Some(tx) => tx.begin().await?,
                None if options.sqlite_transaction_mode.is_some() => {
                    self.db.begin_with_options(options).await?
                }
                None => self.db.begin().await?,
            };
            self.open.push(tx);
            Ok(())
        }
    }

    async fn commit(&mut self) -> Result<(), DbErr> {
        match self.open.pop() {
            Some(tx) => tx.commit().await,
            None => Ok(()),
        }
    }

    async fn rollback(&mut self) -> Result<(), DbErr> {
        match self.open.pop() {
            Some(tx) => tx.rollback().await,
            None => Ok(()),
        }
    }

    fn has_hooks(&self) -> bool {
        <T::Hooks as Hooks<T, SeaOrm>>::ACTIVE
    }

    async fn hook<'a>(&'a mut self, hook: Hook<'a, T>) -> Result<(), HookError> {
        // The plans run hooks only inside the operation's transaction.
        let Some(tx) = self.open.last_mut() else {
            return Err("a hook ran outside its operation's transaction".into());
        };
        dispatch::<T, SeaOrm, <T as HasHooks>::Hooks>(tx, hook).await
    }

    fn is_retryable(error: &DbErr) -> bool {
        super::error::retryable(error)
    }

    fn not_found(table: &'static str) -> DbErr {
        DbErr::RecordNotFound(format!(
            "the row written to `{table}` could not be read back"
        ))
    }

    fn fault(error: &DbErr) -> Fault {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(message)) => {
                Fault::Unique(super::error::constraint(&message))
            }
            Some(SqlErr::ForeignKeyConstraintViolation(message)) => {
                Fault::ForeignKey(super::error::constraint(&message))
            }
            _ => Fault::Other,
        }
    }
}
