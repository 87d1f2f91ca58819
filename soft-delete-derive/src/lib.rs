//! `#[derive(SoftDelete)]` for the [`soft-delete`](https://docs.rs/soft-delete)
//! crate. The derive generates data only — consts, accessors and a column
//! enum — and leaves every statement to the provided methods of
//! `soft_delete::SoftDelete`.
//!
//! See `soft_delete::SoftDelete` for the attributes and what they generate.

#![deny(missing_docs)]
#![warn(clippy::pedantic)]

mod ast;
mod attr;
mod case;
mod ctxt;
mod expand;
mod foreign;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `soft_delete::SoftDelete` for a struct with named fields, and a
/// column enum named after it (`Post` → `PostColumn`).
///
/// Struct attributes, all optional:
/// `#[soft_delete(table = "...", column = "...", style = "timestamp" | "bool", crate = "...")]`.
/// Field attributes: `#[soft_delete(primary_key)]`, `#[soft_delete(rename = "...")]`,
/// `#[soft_delete(skip)]`.
///
/// ```
/// use soft_delete::SoftDelete;
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "posts", column = "removed_at")]
/// struct Post {
///     id: i64,
///     #[soft_delete(rename = "body_text")]
///     body: String,
///     removed_at: Option<chrono::DateTime<chrono::Utc>>,
/// }
///
/// assert_eq!(Post::COLUMNS, ["id", "body_text", "removed_at"]);
/// ```
#[proc_macro_derive(SoftDelete, attributes(soft_delete))]
pub fn derive_soft_delete(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
