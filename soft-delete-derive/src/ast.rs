//! The derive input as a model: the struct, its fields and their attributes,
//! each keeping the `syn` node it came from for spans.

use syn::ext::IdentExt as _;
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{keys, ContainerAttrs, FieldAttrs};
use crate::case;
use crate::ctxt::Ctxt;
use crate::foreign::{sea_orm_keys, Name, Skip};

/// A struct with named fields, as the derive reads it.
pub struct Input<'a> {
    pub original: &'a DeriveInput,
    pub attrs: ContainerAttrs,
    pub fields: Vec<Field<'a>>,
}

/// One named field.
pub struct Field<'a> {
    pub original: &'a syn::Field,
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    /// The column name each attribute gives, in this order: `#[soft_delete]`,
    /// `#[sqlx]` (`rename`, else the struct's `rename_all`), `#[sea_orm]`
    /// (`column_name`, else `column_name_case`, else the struct's
    /// `rename_all`). A skipped field has only the names written on it.
    pub names: Vec<Name>,
    /// The SQL column name: the first of `names`, or the field's name.
    pub sql_name: String,
    /// Why the field is no column: `#[soft_delete(skip)]`, `#[sqlx(skip)]`,
    /// `#[sea_orm(ignore)]`, ...
    pub skip: Option<Skip>,
    /// `#[soft_delete(primary_key)]` or `#[sea_orm(primary_key)]`.
    pub primary_key: Option<PrimaryKey>,
    /// The variant of the column enum: the field's name in `PascalCase`.
    pub variant: Ident,
}

/// A field marked as the primary key.
pub struct PrimaryKey {
    /// The attribute as written: `#[soft_delete(primary_key)]`.
    pub written: &'static str,
    pub tokens: proc_macro2::TokenStream,
}

impl<'a> Input<'a> {
    /// Reads `input`. When it is not a struct with named fields, the error is
    /// recorded in `cx` and `Err` holds the struct attributes, read once
    /// either way: they still name the runtime of the fallback impl.
    pub fn from_syn(cx: &mut Ctxt, input: &'a DeriveInput) -> Result<Self, Box<ContainerAttrs>> {
        let attrs = ContainerAttrs::from_attrs(cx, &input.attrs);
        let named = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(unnamed) => {
                    cx.error_spanned_by(
                        unnamed,
                        "#[derive(SoftDelete)] needs named fields, one per column: write `struct Post { id: i64, ... }` instead of a tuple struct",
                    );
                    return Err(Box::new(attrs));
                }
                Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "#[derive(SoftDelete)] needs named fields, one per column: give this unit struct its fields, such as `{ id: i64, deleted_at: Option<DateTime<Utc>> }`",
                    );
                    return Err(Box::new(attrs));
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    "#[derive(SoftDelete)] works on structs with named fields, not enums: a row is a struct, one field per column",
                );
                return Err(Box::new(attrs));
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "#[derive(SoftDelete)] works on structs with named fields, not unions: a row is a struct, one field per column",
                );
                return Err(Box::new(attrs));
            }
        };
        let fields = named
            .named
            .iter()
            .filter_map(|field| Field::from_syn(cx, field, &attrs))
            .collect();
        Ok(Input {
            original: input,
            attrs,
            fields,
        })
    }

    /// The fields that are columns (not `skip`ped).
    pub fn columns(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|field| field.skip.is_none())
    }
}

impl<'a> Field<'a> {
    fn from_syn(cx: &mut Ctxt, field: &'a syn::Field, container: &ContainerAttrs) -> Option<Self> {
        // Named fields always have an ident; `None` is unreachable here.
        let ident = field.ident.as_ref()?;
        let mut attrs = FieldAttrs::from_attrs(cx, &field.attrs);
        let name = ident.unraw().to_string();
        let skip = attrs
            .skip
            .as_ref()
            .map(|skip| Skip {
                key: keys::SKIP.to_owned(),
                tokens: skip.tokens.clone(),
            })
            .or_else(|| attrs.sqlx.skip.take())
            .or_else(|| attrs.sea_orm.skip.take());
        let primary_key = attrs
            .primary_key
            .as_ref()
            .map(|key| PrimaryKey {
                written: "#[soft_delete(primary_key)]",
                tokens: key.tokens.clone(),
            })
            .or_else(|| {
                attrs.sea_orm.primary_key.take().map(|tokens| PrimaryKey {
                    written: "#[sea_orm(primary_key)]",
                    tokens,
                })
            });
        let names = names(&mut attrs, container, &name, skip.is_some());
        let sql_name = names
            .first()
            .map_or_else(|| name.clone(), |given| given.value.clone());
        let pascal = case::pascal_case(&name);
        let Ok(mut variant) = syn::parse_str::<Ident>(&pascal) else {
            cx.error_spanned_by(
                ident,
                format!(
                    "field `{name}` gives no usable variant name for the column enum (`{pascal}`); rename the field and keep its column with `#[soft_delete(rename = \"{name}\")]`"
                ),
            );
            return None;
        };
        variant.set_span(ident.span());
        Some(Field {
            original: field,
            ident,
            ty: &field.ty,
            attrs,
            names,
            sql_name,
            skip,
            primary_key,
            variant,
        })
    }

    /// The attribute that names this field's column, if one does.
    pub fn rename(&self) -> Option<&Name> {
        self.names.first()
    }
}

/// The column names the attributes give the field `name`, as [`Field::names`]
/// orders them; case rules apply to columns only (`skipped` is false).
fn names(
    attrs: &mut FieldAttrs,
    container: &ContainerAttrs,
    name: &str,
    skipped: bool,
) -> Vec<Name> {
    let mut names = Vec::new();
    if let Some(rename) = &attrs.rename {
        names.push(Name {
            value: rename.value.clone(),
            written: format!("#[soft_delete(rename = {:?})]", rename.value),
            key: keys::RENAME,
            by_case: false,
            tokens: rename.tokens.clone(),
        });
    }
    let sqlx_rule = container.sqlx.rename_all.as_ref();
    match attrs.sqlx.rename.take() {
        Some(rename) => names.push(rename),
        None => names.extend(
            sqlx_rule
                .filter(|_| !skipped)
                .map(|rule| rule.name_of(name)),
        ),
    }
    let sea_orm_rule = attrs
        .sea_orm
        .column_name_case
        .as_ref()
        .or(container.sea_orm.rename_all.as_ref());
    match attrs.sea_orm.column_name.take() {
        Some(column_name) => names.push(column_name),
        None => names.extend(sea_orm_rule.filter(|_| !skipped).map(|rule| {
            let mut given = rule.name_of(name);
            // A field's own `column_name_case` is written for it alone.
            given.by_case = rule.key != sea_orm_keys::COLUMN_NAME_CASE;
            given
        })),
    }
    names
}
