//! `#[soft_delete(...)]` → typed attributes. Unknown and duplicate keys are
//! errors; nothing is ignored silently. Beside them, the names read from
//! `#[sqlx(...)]` and `#[sea_orm(...)]` ([`crate::foreign`]).

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr};

use crate::ctxt::Ctxt;
use crate::foreign::{SeaOrmContainer, SeaOrmField, SqlxContainer, SqlxField};

/// The keys of `#[soft_delete(...)]`, each spelled once.
pub mod keys {
    pub const TABLE: &str = "table";
    pub const COLUMN: &str = "column";
    pub const STYLE: &str = "style";
    pub const DELETED_BY: &str = "deleted_by";
    pub const UPDATED_AT: &str = "updated_at";
    pub const CASCADE_ID: &str = "cascade_id";
    pub const NOW: &str = "now";
    pub const UNIQUE: &str = "unique";
    pub const RETAIN: &str = "retain";
    pub const CASCADE: &str = "cascade";
    pub const PARENT: &str = "parent";
    pub const HOOKS: &str = "hooks";
    pub const CRATE: &str = "crate";
    pub const PRIMARY_KEY: &str = "primary_key";
    pub const RENAME: &str = "rename";
    pub const SKIP: &str = "skip";
    /// Inside `cascade(...)`: the child's column holding the parent's key.
    pub const FOREIGN_KEY: &str = "foreign_key";
}

const STRUCT_KEYS: &[&str] = &[
    keys::TABLE,
    keys::COLUMN,
    keys::STYLE,
    keys::DELETED_BY,
    keys::UPDATED_AT,
    keys::CASCADE_ID,
    keys::NOW,
    keys::UNIQUE,
    keys::RETAIN,
    keys::CASCADE,
    keys::PARENT,
    keys::HOOKS,
    keys::CRATE,
];
const FIELD_KEYS: &[&str] = &[keys::PRIMARY_KEY, keys::RENAME, keys::SKIP];

/// How the marker column stores deletion, as written in `style = "..."`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Timestamp,
    Bool,
    Unix,
    /// A bool where `TRUE` means live.
    Active,
}

impl Style {
    /// The style as written in `style = "..."`.
    pub fn name(self) -> &'static str {
        match self {
            Style::Timestamp => "timestamp",
            Style::Bool => "bool",
            Style::Unix => "unix",
            Style::Active => "active",
        }
    }

    /// The default marker column for this style.
    pub fn default_column(self) -> &'static str {
        match self {
            Style::Timestamp | Style::Unix => "deleted_at",
            Style::Bool => "is_deleted",
            Style::Active => "is_active",
        }
    }
}

/// Whose clock stamps a soft delete, as written in `now = "..."`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Now {
    Application,
    Database,
}

/// A child reached by cascades: `Comment = "post_id"` in `cascade(...)`.
pub struct Cascade {
    /// The child model's path, as written.
    pub model: syn::Path,
    /// SQL name of the child's column holding the parent's key.
    pub foreign_key: Spanned<String>,
    /// The whole `Comment = "post_id"`, for spans.
    pub tokens: TokenStream,
}

/// A key unique among live rows: `unique(tenant_id, slug)`.
pub struct UniqueKey {
    /// The field names, as written.
    pub fields: Vec<syn::Ident>,
    /// The whole `unique(...)`, for spans.
    pub tokens: TokenStream,
}

/// A value set by an attribute, with the tokens it came from for spans.
pub struct Spanned<T> {
    pub value: T,
    pub tokens: TokenStream,
}

/// One attribute key: set at most once; a second setting is an error at the
/// second key, whatever the key.
struct Slot<T> {
    key: &'static str,
    value: Option<Spanned<T>>,
}

impl<T> Slot<T> {
    fn new(key: &'static str) -> Self {
        Slot { key, value: None }
    }

    fn set(&mut self, cx: &mut Ctxt, key_tokens: &syn::Path, value: T, tokens: TokenStream) {
        if self.value.is_some() {
            cx.error_spanned_by(
                key_tokens,
                format!(
                    "duplicate key `{}`: it is already set earlier; remove one of the two",
                    self.key
                ),
            );
        } else {
            self.value = Some(Spanned { value, tokens });
        }
    }

    fn get(self) -> Option<Spanned<T>> {
        self.value
    }
}

/// The struct's `#[soft_delete(...)]` keys.
pub struct ContainerAttrs {
    pub table: Option<Spanned<String>>,
    pub column: Option<Spanned<String>>,
    pub style: Option<Spanned<Style>>,
    pub deleted_by: Option<Spanned<String>>,
    pub updated_at: Option<Spanned<String>>,
    pub cascade_id: Option<Spanned<String>>,
    pub now: Option<Spanned<Now>>,
    pub cascades: Vec<Cascade>,
    /// `parent(...)`: the models above this one, each with this model's
    /// column holding its key.
    pub parents: Vec<Cascade>,
    pub uniques: Vec<UniqueKey>,
    /// `retain = "..."`, in seconds.
    pub retain: Option<Spanned<u64>>,
    pub hooks: Option<Spanned<syn::Path>>,
    pub krate: Option<Spanned<syn::Path>>,
    pub rejected: Rejected,
    pub sqlx: SqlxContainer,
    pub sea_orm: SeaOrmContainer,
}

/// A field's `#[soft_delete(...)]` keys.
pub struct FieldAttrs {
    pub primary_key: Option<Spanned<()>>,
    pub rename: Option<Spanned<String>>,
    pub skip: Option<Spanned<()>>,
    pub rejected: Rejected,
    pub sqlx: SqlxField,
    pub sea_orm: SeaOrmField,
}

/// The keys the user wrote, or evidently meant (`primary` for `primary_key`),
/// whose error is already reported. A rule that would fail only because such a
/// key is missing stays silent: the user fixes the key and the rule is met,
/// so a second error there would be noise.
#[derive(Default)]
pub struct Rejected(Vec<&'static str>);

impl Rejected {
    fn add(&mut self, key: &'static str) {
        self.0.push(key);
    }

    fn add_all(&mut self, keys: &[&'static str]) {
        self.0.extend_from_slice(keys);
    }

    /// Whether `key` was written but rejected.
    pub fn contains(&self, key: &str) -> bool {
        self.0.contains(&key)
    }
}

impl ContainerAttrs {
    // One branch per key, all read in this one loop.
    #[allow(clippy::too_many_lines)]
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        // The keys whose value is an SQL name, read alike.
        let mut names = [
            Slot::new(keys::TABLE),
            Slot::new(keys::COLUMN),
            Slot::new(keys::DELETED_BY),
            Slot::new(keys::UPDATED_AT),
            Slot::new(keys::CASCADE_ID),
        ];
        let mut style = Slot::new(keys::STYLE);
        let mut now = Slot::new(keys::NOW);
        let mut cascades = Vec::new();
        let mut parents = Vec::new();
        let mut uniques = Vec::new();
        let mut retain = Slot::new(keys::RETAIN);
        // The keys whose value is a Rust path, read alike.
        let mut paths = [Slot::new(keys::HOOKS), Slot::new(keys::CRATE)];
        let mut rejected = Rejected::default();
        for attr in soft_delete_attrs(attrs) {
            let read_all = parse_keys(cx, attr, |cx, meta| {
                let path = meta.path.clone();
                if let Some(slot) = names.iter_mut().find(|slot| path.is_ident(slot.key)) {
                    match name_value(cx, &meta, slot.key)? {
                        Some(name) => slot.set(cx, &path, name.value, name.tokens),
                        None => rejected.add(slot.key),
                    }
                } else if path.is_ident(keys::STYLE) {
                    let styles = [
                        ("timestamp", Style::Timestamp),
                        ("bool", Style::Bool),
                        ("unix", Style::Unix),
                        ("active", Style::Active),
                    ];
                    match choice(cx, &meta, keys::STYLE, "a style", &styles)? {
                        Some(chosen) => style.set(cx, &path, chosen.value, chosen.tokens),
                        None => rejected.add(keys::STYLE),
                    }
                } else if path.is_ident(keys::NOW) {
                    let clocks = [
                        ("application", Now::Application),
                        ("database", Now::Database),
                    ];
                    match choice(cx, &meta, keys::NOW, "a clock", &clocks)? {
                        Some(chosen) => now.set(cx, &path, chosen.value, chosen.tokens),
                        None => rejected.add(keys::NOW),
                    }
                } else if path.is_ident(keys::CASCADE) {
                    match cascade(cx, &meta)? {
                        Some(children) => cascades.extend(children),
                        None => rejected.add(keys::CASCADE),
                    }
                } else if path.is_ident(keys::PARENT) {
                    match parent(cx, &meta)? {
                        Some(above) => parents.extend(above),
                        None => rejected.add(keys::PARENT),
                    }
                } else if path.is_ident(keys::UNIQUE) {
                    match unique(cx, &meta)? {
                        Some(key) => uniques.push(key),
                        None => rejected.add(keys::UNIQUE),
                    }
                } else if path.is_ident(keys::RETAIN) {
                    match retention(cx, &meta)? {
                        Some(seconds) => retain.set(cx, &path, seconds.value, seconds.tokens),
                        None => rejected.add(keys::RETAIN),
                    }
                } else if let Some(slot) = paths.iter_mut().find(|slot| path.is_ident(slot.key)) {
                    match path_value(cx, &meta, slot.key, path_example(slot.key))? {
                        Some(parsed) => slot.set(cx, &path, parsed.value, parsed.tokens),
                        None => rejected.add(slot.key),
                    }
                } else {
                    let meant =
                        unknown_key(cx, &meta, "the struct", STRUCT_KEYS, FIELD_KEYS, "a field")?;
                    if let Some(key) = meant {
                        rejected.add(key);
                    }
                }
                Ok(())
            });
            if !read_all {
                // The keys after the error are unknown; any of them may be meant.
                rejected.add_all(STRUCT_KEYS);
            }
        }
        let sqlx = SqlxContainer::from_attrs(cx, attrs);
        let sea_orm = SeaOrmContainer::from_attrs(cx, attrs);
        if sqlx.unread || sea_orm.unread {
            // A name may be in what could not be read; its derive says why.
            rejected.add_all(STRUCT_KEYS);
        }
        let [table, column, deleted_by, updated_at, cascade_id] = names.map(Slot::get);
        let [hooks, krate] = paths.map(Slot::get);
        ContainerAttrs {
            table,
            column,
            style: style.get(),
            deleted_by,
            updated_at,
            cascade_id,
            now: now.get(),
            cascades,
            parents,
            uniques,
            retain: retain.get(),
            hooks,
            krate,
            rejected,
            sqlx,
            sea_orm,
        }
    }
}

impl FieldAttrs {
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut primary_key = Slot::new(keys::PRIMARY_KEY);
        let mut rename = Slot::new(keys::RENAME);
        let mut skip = Slot::new(keys::SKIP);
        let mut rejected = Rejected::default();
        for attr in soft_delete_attrs(attrs) {
            let read_all = parse_keys(cx, attr, |cx, meta| {
                let path = meta.path.clone();
                if path.is_ident(keys::PRIMARY_KEY) {
                    if flag(cx, &meta, keys::PRIMARY_KEY)? {
                        primary_key.set(cx, &path, (), path.to_token_stream());
                    } else {
                        rejected.add(keys::PRIMARY_KEY);
                    }
                } else if path.is_ident(keys::SKIP) {
                    if flag(cx, &meta, keys::SKIP)? {
                        skip.set(cx, &path, (), path.to_token_stream());
                    } else {
                        rejected.add(keys::SKIP);
                    }
                } else if path.is_ident(keys::RENAME) {
                    match name_value(cx, &meta, keys::RENAME)? {
                        Some(name) => rename.set(cx, &path, name.value, name.tokens),
                        None => rejected.add(keys::RENAME),
                    }
                } else {
                    let meant =
                        unknown_key(cx, &meta, "a field", FIELD_KEYS, STRUCT_KEYS, "the struct")?;
                    if let Some(key) = meant {
                        rejected.add(key);
                    }
                }
                Ok(())
            });
            if !read_all {
                // The keys after the error are unknown; any of them may be meant.
                rejected.add_all(FIELD_KEYS);
            }
        }
        let sqlx = SqlxField::from_attrs(cx, attrs);
        let sea_orm = SeaOrmField::from_attrs(cx, attrs);
        if sqlx.unread || sea_orm.unread {
            // A name may be in what could not be read; its derive says why.
            rejected.add_all(FIELD_KEYS);
        }
        FieldAttrs {
            primary_key: primary_key.get(),
            rename: rename.get(),
            skip: skip.get(),
            rejected,
            sqlx,
            sea_orm,
        }
    }
}

/// One of `choices` in `key = "..."`; `None` when the value is missing or
/// not one of them (the error, listing them, is recorded).
fn choice<T: Copy>(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    key: &str,
    what: &str,
    choices: &[(&str, T)],
) -> syn::Result<Option<Spanned<T>>> {
    let Some(lit) = string_value(cx, meta, key)? else {
        return Ok(None);
    };
    let written = lit.value();
    if let Some((_, value)) = choices.iter().find(|(name, _)| *name == written) {
        return Ok(Some(Spanned {
            value: *value,
            tokens: lit.to_token_stream(),
        }));
    }
    let names: Vec<String> = choices
        .iter()
        .map(|(name, _)| format!("`\"{name}\"`"))
        .collect();
    let accepted = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    cx.error_spanned_by(
        &lit,
        format!("`{key} = {written:?}` is not {what}; use {accepted}"),
    );
    Ok(None)
}

/// The words of a `cascade(...)` or `parent(...)` list, for its errors.
struct Link {
    key: &'static str,
    /// `child` or `parent`.
    role: &'static str,
    /// A model to write in examples.
    example: &'static str,
    usage: &'static str,
    /// Why a model is listed once.
    twice: &'static str,
    /// Which column the foreign key of the model `name` is.
    column_of: fn(&str) -> String,
}

const CASCADE_LINK: Link = Link {
    key: keys::CASCADE,
    role: "child",
    example: "Comment",
    usage: "write `cascade(Comment = \"post_id\")`: each child model, and the name of its column that holds this model's key",
    twice: "a child has one foreign key",
    column_of: |name| format!("the column of `{name}` that holds this model's key"),
};

const PARENT_LINK: Link = Link {
    key: keys::PARENT,
    role: "parent",
    example: "Post",
    usage: "write `parent(Post = \"post_id\")`: each parent model, and the name of this model's column that holds its key",
    twice: "a parent is referenced through one column",
    column_of: |name| format!("this model's column that holds `{name}`'s key"),
};

/// `cascade(Comment = "post_id", ...)`: each child model with its column
/// holding this model's key.
fn cascade(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Vec<Cascade>>> {
    links(cx, meta, &CASCADE_LINK)
}

/// `parent(Post = "post_id", ...)`: each parent model with this model's
/// column holding its key.
fn parent(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Vec<Cascade>>> {
    links(cx, meta, &PARENT_LINK)
}

/// A list of linked models, each `Model = "column"`. Malformed entries are
/// recorded as errors and left out.
///
/// The model is the key and its column the value, so two models linked by
/// columns of the same name never repeat a `key = value` pair (which
/// clippy's `duplicated_attributes` would flag in the user's crate).
fn links(cx: &mut Ctxt, meta: &ParseNestedMeta, words: &Link) -> syn::Result<Option<Vec<Cascade>>> {
    let Link {
        key,
        role,
        example,
        usage,
        twice,
        ..
    } = words;
    if !meta.input.peek(syn::token::Paren) {
        let written = skip_value(meta)?;
        cx.error_spanned_by(
            &written,
            format!("`{key}` lists the {role} models in parentheses: {usage}"),
        );
        return Ok(None);
    }
    let group: proc_macro2::Group = meta.input.fork().parse()?;
    let mut tokens = meta.path.to_token_stream();
    tokens.extend(group.to_token_stream());
    let mut children: Vec<Cascade> = Vec::new();
    let mut broken = false;
    meta.parse_nested_meta(|inner| {
        let name = inner.path.to_token_stream().to_string().replace(' ', "");
        // Models are types, named in `PascalCase`; a lowercase name is a key
        // written where the child belongs.
        let lowercase = inner.path.segments.last().is_some_and(|segment| {
            segment.ident.to_string().starts_with(|c: char| c.is_ascii_lowercase())
        });
        if lowercase {
            let written = skip_value(&inner)?;
            // The column, when it was written as this key's string value.
            let column = syn::parse2::<syn::MetaNameValue>(written.clone())
                .ok()
                .and_then(|pair| match pair.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(column),
                        ..
                    }) => Some(column.value()),
                    _ => None,
                })
                .unwrap_or_else(|| "...".to_owned());
            cx.error_spanned_by(
                &written,
                format!("`{key}` names each {role} with its foreign key: write `{key}({example} = \"{column}\")`, with the {role} model in place of `{example}`, not `{name}`"),
            );
            broken = true;
        } else if !inner.input.peek(syn::Token![=]) {
            skip_value(&inner)?;
            cx.error_spanned_by(
                &inner.path,
                format!("`{name}` needs its foreign key: write `{key}({name} = \"...\")`, naming {}", (words.column_of)(&name)),
            );
            broken = true;
        } else if let Some(foreign_key) = name_value(cx, &inner, keys::FOREIGN_KEY)? {
            let mut entry = inner.path.to_token_stream();
            entry.extend(quote!(=));
            entry.extend(foreign_key.tokens.clone());
            let same_model = |child: &Cascade| {
                child.model.to_token_stream().to_string() == inner.path.to_token_stream().to_string()
            };
            if children.iter().any(same_model) {
                cx.error_spanned_by(
                    &inner.path,
                    format!("`{name}` is listed twice in `{key}(...)`: {twice}; keep one"),
                );
                broken = true;
            } else {
                children.push(Cascade {
                    model: inner.path.clone(),
                    foreign_key,
                    tokens: entry,
                });
            }
        } else {
            broken = true;
        }
        Ok(())
    })?;
    if children.is_empty() && !broken {
        cx.error_spanned_by(&tokens, format!("`{key}()` names no {role}: {usage}"));
        return Ok(None);
    }
    Ok((!broken).then_some(children))
}

/// `unique(email)`, `unique(tenant_id, slug)`: one or more field names, read
/// as written (whether each is a field is checked in [`crate::valid`]).
/// `None` when malformed (the error is recorded, the value read past).
fn unique(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<UniqueKey>> {
    const USAGE: &str = "write `unique(email)`, or `unique(tenant_id, slug)` for a key over several fields, naming the fields as written on the struct";
    if !meta.input.peek(syn::token::Paren) {
        let written = skip_value(meta)?;
        cx.error_spanned_by(
            &written,
            format!("`unique` lists field names in parentheses: {USAGE}"),
        );
        return Ok(None);
    }
    let group: proc_macro2::Group = meta.input.fork().parse()?;
    let mut tokens = meta.path.to_token_stream();
    tokens.extend(group.to_token_stream());
    if group.stream().is_empty() {
        skip_value(meta)?;
        cx.error_spanned_by(&tokens, format!("`unique()` names no field: {USAGE}"));
        return Ok(None);
    }
    skip_value(meta)?;
    let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
    let entries = match syn::parse::Parser::parse2(parser, group.stream()) {
        Ok(entries) => entries,
        Err(error) => {
            cx.syn_error(syn::Error::new(
                error.span(),
                format!("`unique(...)` takes field names separated by commas: {USAGE}"),
            ));
            return Ok(None);
        }
    };
    let mut fields = Vec::new();
    let mut broken = false;
    for entry in entries {
        match &entry {
            syn::Expr::Path(path) if path.attrs.is_empty() && path.qself.is_none() => {
                if let Some(ident) = path.path.get_ident() {
                    fields.push(ident.clone());
                    continue;
                }
            }
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            }) => {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "`unique(...)` takes field names without quotes: write `unique({})`",
                        lit.value()
                    ),
                );
                broken = true;
                continue;
            }
            _ => {}
        }
        cx.error_spanned_by(
            &entry,
            format!(
                "`unique(...)` takes field names only, not `{}`: {USAGE}",
                entry.to_token_stream().to_string().replace(' ', "")
            ),
        );
        broken = true;
    }
    Ok((!broken).then_some(UniqueKey { fields, tokens }))
}

/// `retain = "30 days"`, in seconds; `None` when it is missing, not a string
/// or not a retention period (the error is recorded).
fn retention(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Spanned<u64>>> {
    let Some(lit) = string_value(cx, meta, keys::RETAIN)? else {
        return Ok(None);
    };
    match retention_seconds(&lit.value()) {
        Ok(seconds) => Ok(Some(Spanned {
            value: seconds,
            tokens: lit.to_token_stream(),
        })),
        Err(why) => {
            cx.error_spanned_by(
                &lit,
                format!(
                    "`retain = {:?}`{why}; write a positive whole number of `days`, `hours` or `minutes`, such as `retain = \"30 days\"`, `retain = \"12 hours\"` or `retain = \"1 minute\"`",
                    lit.value()
                ),
            );
            Ok(None)
        }
    }
}

/// The seconds in `"30 days"`, `"12 hours"`, `"1 minute"`; `Err` says what is
/// wrong with anything else, completing "`retain = \"...\"`".
fn retention_seconds(written: &str) -> Result<u64, String> {
    let trimmed = written.trim();
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let (number, unit) = trimmed.split_at(digits);
    let unit = unit.trim();
    if number.is_empty() {
        return Err(if trimmed.starts_with('-') {
            " is negative".to_owned()
        } else {
            " has no number".to_owned()
        });
    }
    if unit.starts_with(['.', ',']) {
        return Err(" is not a whole number".to_owned());
    }
    let per_unit = match unit {
        "day" | "days" => 24 * 60 * 60,
        "hour" | "hours" => 60 * 60,
        "minute" | "minutes" => 60,
        "" => return Err(" has no unit".to_owned()),
        _ => return Err(format!(": `{unit}` is not a unit here")),
    };
    let too_long = || " is longer than this crate counts (2^64 seconds)".to_owned();
    let count = number.parse::<u64>().map_err(|_| too_long())?;
    if count == 0 {
        return Err(" keeps trashed rows for no time".to_owned());
    }
    count.checked_mul(per_unit).ok_or_else(too_long)
}

fn soft_delete_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("soft_delete"))
}

/// Runs `each` on every key of one `#[soft_delete(...)]`, recording errors.
///
/// `each` records the errors it can recover from in `cx` and returns `Err`
/// only for tokens it cannot read past. Returns whether every key was read:
/// after such an error the rest of the attribute is lost.
fn parse_keys(
    cx: &mut Ctxt,
    attr: &Attribute,
    mut each: impl FnMut(&mut Ctxt, ParseNestedMeta) -> syn::Result<()>,
) -> bool {
    if let syn::Meta::Path(_) | syn::Meta::NameValue(_) = attr.meta {
        cx.error_spanned_by(
            attr,
            "`#[soft_delete]` needs its keys in parentheses: write `#[soft_delete(key = \"value\", ...)]`, or remove the attribute",
        );
        return false;
    }
    let result = attr.parse_nested_meta(|meta| {
        let input = meta.input;
        each(cx, meta)?;
        if input.is_empty() || input.peek(syn::Token![,]) {
            Ok(())
        } else {
            Err(input
                .error("expected `,` here: separate the keys of #[soft_delete(...)] with commas"))
        }
    });
    match result {
        Ok(()) => true,
        Err(error) => {
            cx.syn_error(error);
            false
        }
    }
}

/// The path in `key = "..."`; `None` when the value is missing, not a string
/// or not a path (the error, saying to write `what`, is recorded).
fn path_value(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    key: &str,
    what: &str,
) -> syn::Result<Option<Spanned<syn::Path>>> {
    let Some(lit) = string_value(cx, meta, key)? else {
        return Ok(None);
    };
    if let Ok(parsed) = lit.parse::<syn::Path>() {
        return Ok(Some(Spanned {
            value: parsed,
            tokens: lit.to_token_stream(),
        }));
    }
    cx.error_spanned_by(
        &lit,
        format!("`{key} = {:?}` is not a path; write {what}", lit.value()),
    );
    Ok(None)
}

/// The non-empty name of `key = "..."`; `None` when it is missing, not a
/// string or empty (the error is recorded, the value read past).
fn name_value(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    key: &str,
) -> syn::Result<Option<Spanned<String>>> {
    let Some(lit) = string_value(cx, meta, key)? else {
        return Ok(None);
    };
    let value = lit.value();
    if value.is_empty() {
        cx.error_spanned_by(
            &lit,
            format!(
                "`{key} = \"\"` is empty; write a name, such as `{key} = \"{}\"`",
                example_name(key)
            ),
        );
        return Ok(None);
    }
    Ok(Some(Spanned {
        value,
        tokens: lit.to_token_stream(),
    }))
}

/// What to write for the path of `key = "..."`, completing "write ...".
fn path_example(key: &str) -> &'static str {
    match key {
        keys::HOOKS => {
            "the type that implements `soft_delete::sqlx::Hooks`, such as `hooks = \"PostHooks\"`"
        }
        _ => "the runtime crate's path, such as `crate = \"::soft_delete\"`",
    }
}

fn example_name(key: &str) -> &'static str {
    match key {
        keys::TABLE => "posts",
        keys::COLUMN => "deleted_at",
        keys::DELETED_BY => "deleted_by",
        keys::UPDATED_AT => "updated_at",
        keys::CASCADE_ID => "deletion_id",
        keys::FOREIGN_KEY => "post_id",
        _ => "body_text",
    }
}

/// The string of `key = "..."`; `None` when the value is missing or not a
/// string (the error is recorded, the value read past).
fn string_value(cx: &mut Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(syn::Token![=]) {
        let written = skip_value(meta)?;
        cx.error_spanned_by(
            &written,
            format!("`{key}` needs a value: write `{key} = \"...\"`"),
        );
        return Ok(None);
    }
    let value: syn::Expr = meta.value()?.parse()?;
    if let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(lit),
        ..
    }) = value
    {
        return Ok(Some(lit));
    }
    // `table = posts` → suggest `table = "posts"`; anything longer → `"..."`.
    let suggestion = match &value {
        syn::Expr::Path(path) if path.path.get_ident().is_some() => {
            path.to_token_stream().to_string()
        }
        syn::Expr::Lit(lit) => lit.to_token_stream().to_string(),
        _ => "...".to_owned(),
    };
    cx.error_spanned_by(
        &value,
        format!("`{key}` takes a string in quotes: write `{key} = \"{suggestion}\"`"),
    );
    Ok(None)
}

/// A key that takes no value, such as `skip`: `false` when a value was given
/// (the error is recorded, the value read past).
fn flag(cx: &mut Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<bool> {
    if meta.input.is_empty() || meta.input.peek(syn::Token![,]) {
        return Ok(true);
    }
    let written = skip_value(meta)?;
    cx.error_spanned_by(
        &written,
        format!("`{key}` takes no value: write `#[soft_delete({key})]`"),
    );
    Ok(false)
}

/// Reads past the value of the key `meta` is at (`= expr` or `(...)`), and
/// returns the key with its value, for spans.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<TokenStream> {
    let mut written = meta.path.to_token_stream();
    if meta.input.peek(syn::Token![=]) {
        let eq: syn::Token![=] = meta.input.parse()?;
        let value: syn::Expr = meta.input.parse()?;
        written.extend(quote!(#eq #value));
    } else if meta.input.peek(syn::token::Paren) {
        let group: proc_macro2::Group = meta.input.parse()?;
        written.extend(group.into_token_stream());
    }
    Ok(written)
}

/// Records an unknown key and reads past its value, so the keys after it are
/// still read. Returns the valid key the user evidently meant, if any.
fn unknown_key(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    here: &str,
    valid: &[&'static str],
    elsewhere: &[&'static str],
    elsewhere_name: &str,
) -> syn::Result<Option<&'static str>> {
    let key = meta.path.to_token_stream().to_string().replace(' ', "");
    let list = valid
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let meant_here = closest(&key, valid);
    let hint = if elsewhere.contains(&key.as_str()) {
        format!("; `{key}` goes on {elsewhere_name}")
    } else if let Some(meant) = meant_here {
        format!("; did you mean `{meant}`?")
    } else if let Some(meant) = closest(&key, elsewhere) {
        format!("; did you mean `{meant}`? It goes on {elsewhere_name}")
    } else {
        String::new()
    };
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown key `{key}` in #[soft_delete(...)] on {here}; the keys here are {list}{hint}"
        ),
    );
    skip_value(meta)?;
    Ok(meant_here)
}

/// The key in `keys` that `typed` most likely misspells: one edit away per
/// three letters (`tabel`, `colum`), or a prefix of at least three letters
/// either way (`primary`, `table_name`).
pub fn closest<'k>(typed: &str, keys: &[&'k str]) -> Option<&'k str> {
    keys.iter()
        .map(|&key| (key, edit_distance(typed, key)))
        .filter(|&(key, distance)| {
            distance * 3 <= typed.len().max(3)
                || (typed.len().min(key.len()) >= 3
                    && (key.starts_with(typed) || typed.starts_with(key)))
        })
        .min_by_key(|&(_, distance)| distance)
        .map(|(key, _)| key)
}

/// Levenshtein distance, with a swap of two neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between the first i chars of `a` and the first j of `b`.
    let mut rows = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance, retention_seconds, FIELD_KEYS, STRUCT_KEYS};

    #[test]
    fn retention_takes_days_hours_and_minutes() {
        assert_eq!(retention_seconds("30 days"), Ok(2_592_000));
        assert_eq!(retention_seconds("1 day"), Ok(86_400));
        assert_eq!(retention_seconds("12 hours"), Ok(43_200));
        assert_eq!(retention_seconds(" 1 minute "), Ok(60));
        assert_eq!(retention_seconds("5minutes"), Ok(300));
        for bad in [
            "",
            "soon",
            "days",
            "-5 days",
            "0 days",
            "30 weeks",
            "30",
            "1.5 days",
            "99999999999999999999 days",
            "300000000000000 days",
        ] {
            assert!(retention_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn edit_distance_counts_a_swap_as_one() {
        assert_eq!(edit_distance("tabel", "table"), 1);
        assert_eq!(edit_distance("colum", "column"), 1);
        assert_eq!(edit_distance("", "skip"), 4);
    }

    #[test]
    fn closest_finds_typos_and_prefixes_only() {
        assert_eq!(closest("tabel", STRUCT_KEYS), Some("table"));
        assert_eq!(closest("table_name", STRUCT_KEYS), Some("table"));
        assert_eq!(closest("primary", FIELD_KEYS), Some("primary_key"));
        assert_eq!(closest("skipped", FIELD_KEYS), Some("skip"));
        assert_eq!(closest("colum", FIELD_KEYS), None);
        assert_eq!(closest("id", FIELD_KEYS), None);
        assert_eq!(closest("nullable", STRUCT_KEYS), None);
    }
}
