//! `#[soft_delete(...)]` → typed attributes. Unknown and duplicate keys are
//! errors; nothing is ignored silently.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr};

use crate::ctxt::Ctxt;

const STRUCT_KEYS: &[&str] = &["table", "column", "style", "crate"];
const FIELD_KEYS: &[&str] = &["primary_key", "rename", "skip"];

/// How the marker column stores deletion, as written in `style = "..."`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Timestamp,
    Bool,
}

impl Style {
    /// The default marker column for this style.
    pub fn default_column(self) -> &'static str {
        match self {
            Style::Timestamp => "deleted_at",
            Style::Bool => "is_deleted",
        }
    }
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
                format!("duplicate key `{}`: it is already set in this item's #[soft_delete(...)]; keep one", self.key),
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
    pub krate: Option<Spanned<syn::Path>>,
}

/// A field's `#[soft_delete(...)]` keys.
pub struct FieldAttrs {
    pub primary_key: Option<Spanned<()>>,
    pub rename: Option<Spanned<String>>,
    pub skip: Option<Spanned<()>>,
}

impl ContainerAttrs {
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut table = Slot::new("table");
        let mut column = Slot::new("column");
        let mut style = Slot::new("style");
        let mut krate = Slot::new("crate");
        for attr in soft_delete_attrs(attrs) {
            parse_keys(cx, attr, |cx, meta| {
                let path = meta.path.clone();
                if path.is_ident("table") {
                    let lit = name_value(&meta, "table")?;
                    if let Some(name) = non_empty(cx, &lit, "table") {
                        table.set(cx, &path, name, lit.to_token_stream());
                    }
                } else if path.is_ident("column") {
                    let lit = name_value(&meta, "column")?;
                    if let Some(name) = non_empty(cx, &lit, "column") {
                        column.set(cx, &path, name, lit.to_token_stream());
                    }
                } else if path.is_ident("style") {
                    let lit = name_value(&meta, "style")?;
                    match lit.value().as_str() {
                        "timestamp" => style.set(cx, &path, Style::Timestamp, lit.to_token_stream()),
                        "bool" => style.set(cx, &path, Style::Bool, lit.to_token_stream()),
                        other => cx.error_spanned_by(
                            &lit,
                            format!("`style = {other:?}` is not a style; use `\"timestamp\"` or `\"bool\"`"),
                        ),
                    }
                } else if path.is_ident("crate") {
                    let lit = name_value(&meta, "crate")?;
                    match lit.parse::<syn::Path>() {
                        Ok(parsed) => krate.set(cx, &path, parsed, lit.to_token_stream()),
                        Err(_) => cx.error_spanned_by(
                            &lit,
                            format!(
                                "`crate = {:?}` is not a path; write the runtime crate's path, such as `crate = \"::soft_delete\"`",
                                lit.value()
                            ),
                        ),
                    }
                } else {
                    unknown_key(cx, &meta, "a struct", STRUCT_KEYS, FIELD_KEYS, "a field")?;
                }
                Ok(())
            });
        }
        ContainerAttrs {
            table: table.get(),
            column: column.get(),
            style: style.get(),
            krate: krate.get(),
        }
    }
}

impl FieldAttrs {
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut primary_key = Slot::new("primary_key");
        let mut rename = Slot::new("rename");
        let mut skip = Slot::new("skip");
        for attr in soft_delete_attrs(attrs) {
            parse_keys(cx, attr, |cx, meta| {
                let path = meta.path.clone();
                if path.is_ident("primary_key") {
                    flag(&meta, "primary_key")?;
                    primary_key.set(cx, &path, (), path.to_token_stream());
                } else if path.is_ident("skip") {
                    flag(&meta, "skip")?;
                    skip.set(cx, &path, (), path.to_token_stream());
                } else if path.is_ident("rename") {
                    let lit = name_value(&meta, "rename")?;
                    if let Some(name) = non_empty(cx, &lit, "rename") {
                        rename.set(cx, &path, name, lit.to_token_stream());
                    }
                } else {
                    unknown_key(cx, &meta, "a field", FIELD_KEYS, STRUCT_KEYS, "the struct")?;
                }
                Ok(())
            });
        }
        FieldAttrs {
            primary_key: primary_key.get(),
            rename: rename.get(),
            skip: skip.get(),
        }
    }
}

fn soft_delete_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("soft_delete"))
}

/// Runs `each` on every key of one `#[soft_delete(...)]`, recording errors.
fn parse_keys(
    cx: &mut Ctxt,
    attr: &Attribute,
    mut each: impl FnMut(&mut Ctxt, ParseNestedMeta) -> syn::Result<()>,
) {
    if let syn::Meta::Path(_) | syn::Meta::NameValue(_) = attr.meta {
        cx.error_spanned_by(
            attr,
            "write the keys in parentheses: `#[soft_delete(key = \"value\", ...)]`",
        );
        return;
    }
    let result = attr.parse_nested_meta(|meta| each(cx, meta));
    if let Err(error) = result {
        cx.syn_error(error);
    }
}

/// The string of `key = "..."`.
fn name_value(meta: &ParseNestedMeta, key: &str) -> syn::Result<LitStr> {
    if !meta.input.peek(syn::Token![=]) {
        return Err(meta.error(format!("`{key}` needs a value: write `{key} = \"...\"`")));
    }
    let value = meta.value()?;
    value.parse::<LitStr>().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("`{key}` takes a string: write `{key} = \"...\"`"),
        )
    })
}

/// A key that takes no value, such as `skip`.
fn flag(meta: &ParseNestedMeta, key: &str) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(syn::Token![,]) {
        Ok(())
    } else {
        Err(meta.error(format!(
            "`{key}` takes no value: write `#[soft_delete({key})]`"
        )))
    }
}

fn non_empty(cx: &mut Ctxt, lit: &LitStr, key: &str) -> Option<String> {
    let value = lit.value();
    if value.is_empty() {
        cx.error_spanned_by(lit, format!("`{key} = \"\"` is empty; give a name"));
        None
    } else {
        Some(value)
    }
}

/// Records an unknown key and skips its value, so the keys after it are still
/// read.
fn unknown_key(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    here: &str,
    valid: &[&str],
    elsewhere: &[&str],
    elsewhere_name: &str,
) -> syn::Result<()> {
    let key = meta.path.to_token_stream().to_string().replace(' ', "");
    let list = valid
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = if elsewhere.contains(&key.as_str()) {
        format!("; `{key}` goes on {elsewhere_name}")
    } else {
        String::new()
    };
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown key `{key}` in #[soft_delete(...)] on {here}; the keys here are {list}{hint}"
        ),
    );
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::Group>()?;
    }
    Ok(())
}
