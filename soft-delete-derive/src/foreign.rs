//! `#[sqlx(...)]` and `#[sea_orm(...)]` → the names those derives already give
//! a model (table, columns, key, fields that are no column), so a name is
//! written once.
//!
//! Read leniently: these attributes belong to sqlx's `FromRow` and SeaORM's
//! `DeriveEntityModel`, which check them. A key this derive does not need, or
//! a value it cannot read, is skipped without an error; the other derive
//! reports it. The only errors here are those that would otherwise make
//! this derive silently wrong: a `rename_all` case it cannot apply, and
//! `#[sqlx(flatten)]`, whose columns it cannot see.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr, Token};

use crate::case::{self, Case};
use crate::ctxt::Ctxt;

/// The attribute sqlx's derives read.
pub const SQLX: &str = "sqlx";
/// The attribute SeaORM's derives read.
pub const SEA_ORM: &str = "sea_orm";

/// The keys of `#[sqlx(...)]` this derive reads; every other one is sqlx's
/// business (`default`, `try_from`, `json`, ...).
pub mod sqlx_keys {
    pub const RENAME: &str = "rename";
    pub const RENAME_ALL: &str = "rename_all";
    pub const SKIP: &str = "skip";
    pub const FLATTEN: &str = "flatten";
}

/// The keys of `#[sea_orm(...)]` this derive reads; every other one is
/// SeaORM's business (`auto_increment`, `column_type`, `nullable`, ...).
pub mod sea_orm_keys {
    pub const TABLE_NAME: &str = "table_name";
    pub const RENAME_ALL: &str = "rename_all";
    pub const COLUMN_NAME: &str = "column_name";
    pub const COLUMN_NAME_CASE: &str = "column_name_case";
    pub const IGNORE: &str = "ignore";
    pub const PRIMARY_KEY: &str = "primary_key";
    /// SeaORM 2.0 relation fields (`#[sea_orm(has_many)] pub posts:
    /// HasMany<...>`) hold related models, not a column.
    pub const RELATIONS: &[&str] = &["has_one", "has_many", "belongs_to"];
}

/// A name one attribute gives a table or column.
pub struct Name {
    pub value: String,
    /// The attribute as written, for messages: `#[sqlx(rename = "body_text")]`.
    pub written: String,
    /// The key that gave it: `rename`, `column_name`, `rename_all`, ...
    pub key: &'static str,
    /// Whether a case rule (`rename_all`) made it, not a name written for
    /// this one field.
    pub by_case: bool,
    /// The value's tokens, for spans.
    pub tokens: TokenStream,
}

/// `rename_all = "camelCase"` and the like: a case for every column.
pub struct CaseRule {
    pub case: Case,
    pub written: String,
    pub key: &'static str,
    pub tokens: TokenStream,
}

impl CaseRule {
    /// The name this rule gives the field `field`.
    pub fn name_of(&self, field: &str) -> Name {
        Name {
            value: self.case.apply(field),
            written: self.written.clone(),
            key: self.key,
            by_case: true,
            tokens: self.tokens.clone(),
        }
    }
}

/// A key that makes a field no column: `skip`, `ignore`, a relation.
pub struct Skip {
    /// The key as written: `skip`, `ignore`, `has_many`, ...
    pub key: String,
    pub tokens: TokenStream,
}

/// The struct's `#[sqlx(...)]`.
#[derive(Default)]
pub struct SqlxContainer {
    pub rename_all: Option<CaseRule>,
    /// Some of it could not be read; sqlx reports why.
    pub unread: bool,
}

/// The struct's `#[sea_orm(...)]`.
#[derive(Default)]
pub struct SeaOrmContainer {
    pub table_name: Option<Name>,
    pub rename_all: Option<CaseRule>,
    /// Some of it could not be read; SeaORM reports why.
    pub unread: bool,
}

/// A field's `#[sqlx(...)]`.
#[derive(Default)]
pub struct SqlxField {
    pub rename: Option<Name>,
    pub skip: Option<Skip>,
    pub unread: bool,
}

/// A field's `#[sea_orm(...)]`.
#[derive(Default)]
pub struct SeaOrmField {
    pub column_name: Option<Name>,
    pub column_name_case: Option<CaseRule>,
    pub skip: Option<Skip>,
    /// `primary_key`, its tokens for spans.
    pub primary_key: Option<TokenStream>,
    pub unread: bool,
}

impl SqlxContainer {
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut this = SqlxContainer::default();
        let mut rule_unknown = false;
        let read_all = read(attrs, SQLX, |meta| {
            if meta.path.is_ident(sqlx_keys::RENAME_ALL) && this.rename_all.is_none() {
                match case_rule(cx, meta, SQLX, sqlx_keys::RENAME_ALL, case::SQLX_CASES)? {
                    Some(rule) => this.rename_all = Some(rule),
                    None => rule_unknown = true,
                }
            }
            Ok(())
        });
        this.unread = !read_all || rule_unknown;
        this
    }
}

impl SeaOrmContainer {
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut this = SeaOrmContainer::default();
        let mut rule_unknown = false;
        let read_all = read(attrs, SEA_ORM, |meta| {
            if meta.path.is_ident(sea_orm_keys::TABLE_NAME) && this.table_name.is_none() {
                this.table_name = name(meta, SEA_ORM, sea_orm_keys::TABLE_NAME)?;
            } else if meta.path.is_ident(sea_orm_keys::RENAME_ALL) && this.rename_all.is_none() {
                let cases = case::SEA_ORM_CASES;
                match case_rule(cx, meta, SEA_ORM, sea_orm_keys::RENAME_ALL, cases)? {
                    Some(rule) => this.rename_all = Some(rule),
                    None => rule_unknown = true,
                }
            }
            Ok(())
        });
        this.unread = !read_all || rule_unknown;
        this
    }
}

impl SqlxField {
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut this = SqlxField::default();
        let read_all = read(attrs, SQLX, |meta| {
            if meta.path.is_ident(sqlx_keys::RENAME) && this.rename.is_none() {
                this.rename = name(meta, SQLX, sqlx_keys::RENAME)?;
            } else if meta.path.is_ident(sqlx_keys::SKIP) && is_flag(meta) {
                this.skip.get_or_insert_with(|| skip(meta));
            } else if meta.path.is_ident(sqlx_keys::FLATTEN) {
                // Treated as no column, so its error is the only one.
                this.skip.get_or_insert_with(|| skip(meta));
                cx.error_spanned_by(
                    &meta.path,
                    "#[derive(SoftDelete)] does not support `#[sqlx(flatten)]`: the columns of the flattened struct are not visible to it, so its queries would not select them; write those columns as fields of this struct",
                );
            }
            Ok(())
        });
        this.unread = !read_all;
        this
    }
}

impl SeaOrmField {
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut this = SeaOrmField::default();
        let mut rule_unknown = false;
        let read_all = read(attrs, SEA_ORM, |meta| {
            let path = &meta.path;
            if path.is_ident(sea_orm_keys::COLUMN_NAME) && this.column_name.is_none() {
                this.column_name = name(meta, SEA_ORM, sea_orm_keys::COLUMN_NAME)?;
            } else if path.is_ident(sea_orm_keys::COLUMN_NAME_CASE)
                && this.column_name_case.is_none()
            {
                let (key, cases) = (sea_orm_keys::COLUMN_NAME_CASE, case::SEA_ORM_CASES);
                match case_rule(cx, meta, SEA_ORM, key, cases)? {
                    Some(rule) => this.column_name_case = Some(rule),
                    None => rule_unknown = true,
                }
            } else if path.is_ident(sea_orm_keys::PRIMARY_KEY) && is_flag(meta) {
                this.primary_key
                    .get_or_insert_with(|| path.to_token_stream());
            } else if (path.is_ident(sea_orm_keys::IGNORE)
                || sea_orm_keys::RELATIONS.iter().any(|key| path.is_ident(key)))
                && is_flag(meta)
                && this.skip.is_none()
            {
                this.skip = Some(skip(meta));
            }
            Ok(())
        });
        this.unread = !read_all || rule_unknown;
        this
    }
}

/// Runs `each` on every key of every `#[name(...)]` in `attrs`, reading past
/// whatever value `each` leaves. Returns whether everything was read: a
/// `#[name(...)]` that does not parse is left to its own derive to report.
fn read(
    attrs: &[Attribute],
    name: &str,
    mut each: impl FnMut(&ParseNestedMeta) -> syn::Result<()>,
) -> bool {
    let mut read_all = true;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(name)) {
        if !matches!(attr.meta, syn::Meta::List(_)) {
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            each(&meta)?;
            // `= value` or `(...)` not read by `each`: token trees up to the
            // next comma, whatever they are (a string, a bool, a path, ...).
            while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                meta.input.parse::<TokenTree>()?;
            }
            Ok(())
        });
        read_all &= result.is_ok();
    }
    read_all
}

/// Whether the key `meta` is at has no value (`skip`, not `skip = ...`).
fn is_flag(meta: &ParseNestedMeta) -> bool {
    meta.input.is_empty() || meta.input.peek(Token![,])
}

/// The string of `key = "..."`; `None`, read past nothing, when the value is
/// anything else (the owning derive judges it).
fn string(meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    if !(meta.input.peek(Token![=]) && meta.input.peek2(LitStr)) {
        return Ok(None);
    }
    meta.input.parse::<Token![=]>()?;
    Ok(Some(meta.input.parse()?))
}

/// The non-empty name of `key = "..."`, as `#[attr(key = "...")]` gives it.
fn name(meta: &ParseNestedMeta, attr: &str, key: &'static str) -> syn::Result<Option<Name>> {
    Ok(string(meta)?
        .filter(|lit| !lit.value().is_empty())
        .map(|lit| Name {
            value: lit.value(),
            written: format!("#[{attr}({key} = {:?})]", lit.value()),
            key,
            by_case: false,
            tokens: lit.to_token_stream(),
        }))
}

/// The case of `key = "..."`; `None` when the value is not a string (the
/// owning derive reports that) or names no case in `cases` (reported here,
/// listing them: this derive cannot name the columns without it).
fn case_rule(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    attr: &str,
    key: &'static str,
    cases: &[(&str, Case)],
) -> syn::Result<Option<CaseRule>> {
    let Some(lit) = string(meta)? else {
        return Ok(None);
    };
    let written = lit.value();
    if let Some((_, case)) = cases.iter().find(|(name, _)| *name == written) {
        return Ok(Some(CaseRule {
            case: *case,
            written: format!("#[{attr}({key} = {written:?})]"),
            key,
            tokens: lit.to_token_stream(),
        }));
    }
    let names: Vec<String> = cases
        .iter()
        .map(|(name, _)| format!("`\"{name}\"`"))
        .collect();
    cx.error_spanned_by(
        &lit,
        format!(
            "`#[{attr}({key} = {written:?})]` is not a case {}: use one of {}",
            if attr == SQLX {
                "sqlx knows"
            } else {
                "SeaORM knows"
            },
            names.join(", ")
        ),
    );
    Ok(None)
}

fn skip(meta: &ParseNestedMeta) -> Skip {
    Skip {
        key: meta.path.to_token_stream().to_string(),
        tokens: meta.path.to_token_stream(),
    }
}
