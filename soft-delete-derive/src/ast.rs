//! The derive input as a model: the struct, its fields and their attributes,
//! each keeping the `syn` node it came from for spans.

use syn::ext::IdentExt as _;
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{ContainerAttrs, FieldAttrs};
use crate::case;
use crate::ctxt::Ctxt;

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
    /// The SQL column name: `rename = "..."`, or the field's name.
    pub sql_name: String,
    /// The variant of the column enum: the field's name in `PascalCase`.
    pub variant: Ident,
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
            .filter_map(|field| Field::from_syn(cx, field))
            .collect();
        Ok(Input {
            original: input,
            attrs,
            fields,
        })
    }

    /// The fields that are columns (not `skip`ped).
    pub fn columns(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.attrs.skip.is_none())
    }
}

impl<'a> Field<'a> {
    fn from_syn(cx: &mut Ctxt, field: &'a syn::Field) -> Option<Self> {
        // Named fields always have an ident; `None` is unreachable here.
        let ident = field.ident.as_ref()?;
        let attrs = FieldAttrs::from_attrs(cx, &field.attrs);
        let name = ident.unraw().to_string();
        let sql_name = attrs
            .rename
            .as_ref()
            .map_or_else(|| name.clone(), |rename| rename.value.clone());
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
            sql_name,
            variant,
        })
    }
}
