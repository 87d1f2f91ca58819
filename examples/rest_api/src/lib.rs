//! A small axum service over `soft_delete::sqlx` (`service`, `cli`), and the
//! same service with its database code written by hand over sqlx (`sql`,
//! `store`): the load benchmark's baseline. Not published; the binaries
//! `rest_api` and `rest_api_by_hand` serve them.

pub mod cli;
pub mod service;
pub mod sql;
pub mod store;
