//! Model → tokens: the `SoftDelete` impl (consts and accessors) and the
//! column enum. Behaviour stays in the runtime crate.

use std::collections::HashSet;

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned as _;
use syn::{DeriveInput, Type};

use crate::ast::Input;
use crate::attr::{ContainerAttrs, Style};
use crate::ctxt::Ctxt;
use crate::valid::{self, Model};

/// The whole expansion of `#[derive(SoftDelete)]` on `input`.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let Some(ast) = Input::from_syn(&mut cx, input) else {
        // Not a struct: read `crate = "..."` alone, its errors already reported.
        let krate = ContainerAttrs::from_attrs(&mut Ctxt::default(), &input.attrs).krate;
        let runtime = krate.map_or_else(
            || quote!(::soft_delete),
            |krate| krate.value.to_token_stream(),
        );
        let errors = cx.into_compile_errors();
        let fallback = fallback(input, &runtime, None);
        return quote! { #errors #fallback };
    };
    match valid::check(&mut cx, &ast) {
        Some(model) if cx.is_clean() => {
            let soft_delete = impl_soft_delete(&model);
            let columns = column_enum(&ast, &model.runtime, &model.table);
            quote! { #soft_delete #columns }
        }
        _ => {
            let runtime = valid::runtime_path(&ast);
            let table = ast.original.ident.to_string();
            let columns = column_enum(&ast, &runtime, &table);
            let errors = cx.into_compile_errors();
            let fallback = fallback(input, &runtime, likely_primary_key_type(&ast));
            quote! { #errors #fallback #columns }
        }
    }
}

fn impl_soft_delete(model: &Model) -> TokenStream {
    let runtime = &model.runtime;
    let input = model.input.original;
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let table = &model.table;
    let primary_key = &model.primary_key.sql_name;
    let primary_key_ident = model.primary_key.ident;
    let primary_key_ty = model.primary_key.ty;
    let columns = model.input.columns().map(|field| &field.sql_name);
    let marker_ident = model.marker.ident;
    let marker_ty = model.marker.ty;
    let marker_column = &model.marker.sql_name;

    // The marker's type is checked by a bound on the impl, spanned at the
    // field's type: one error, at the type, with the trait's fix-it message.
    let (field_trait, mut marker) = match model.style {
        Style::Timestamp => (
            quote!(TimestampField),
            quote!(#runtime::Marker::timestamp_for::<#marker_ty>(#marker_column)),
        ),
        Style::Bool => (
            quote!(BoolField),
            quote!(#runtime::Marker::bool(#marker_column)),
        ),
        Style::Unix => (
            quote!(UnixField),
            quote!(#runtime::Marker::unix(#marker_column)),
        ),
    };
    if let Some(deleted_by) = model.deleted_by {
        let column = &deleted_by.sql_name;
        marker = quote!(#marker.with_deleted_by(#column));
    }
    if model.database_clock {
        marker = quote!(#marker.with_clock(#runtime::Clock::Database));
    }
    // The marker's type is checked by a bound on the impl, spanned at the
    // field's type: one error, at the type, with the trait's fix-it message.
    let marker_bound = field_bound(
        marker_ty,
        &runtime_in_bound(marker_ty, runtime, model),
        &field_trait,
    );
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|clause| clause.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    predicates.push(marker_bound);
    if let Some(deleted_by) = model.deleted_by {
        predicates.push(field_bound(
            deleted_by.ty,
            &runtime_in_bound(deleted_by.ty, runtime, model),
            &quote!(DeletedByField),
        ));
    }

    let records_time = match model.style {
        Style::Timestamp | Style::Unix => quote! {
            #[automatically_derived]
            impl #impl_generics #runtime::RecordsDeletionTime for #ident #ty_generics
            where #(#predicates,)* {}
        },
        Style::Bool => TokenStream::new(),
    };
    let records_deleted_by = if model.deleted_by.is_some() {
        quote! {
            #[automatically_derived]
            impl #impl_generics #runtime::RecordsDeletedBy for #ident #ty_generics
            where #(#predicates,)* {}
        }
    } else {
        TokenStream::new()
    };
    let (children, check_children) = children(model);

    quote! {
        #[automatically_derived]
        impl #impl_generics #runtime::SoftDelete for #ident #ty_generics
        where #(#predicates,)*
        {
            const TABLE: &'static str = #table;
            const PRIMARY_KEY: &'static str = #primary_key;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const MARKER: #runtime::Marker = #marker;
            #children
            type Id = #primary_key_ty;

            #[inline]
            fn id(&self) -> Self::Id {
                ::core::clone::Clone::clone(&self.#primary_key_ident)
            }

            #[inline]
            fn is_trashed(&self) -> bool {
                <#marker_ty as #runtime::__private::MarkerField>::is_trashed(&self.#marker_ident)
            }
        }
        #records_time
        #records_deleted_by
        #check_children
    }
}

/// `const CHILDREN` for the model's `cascade(...)`s, and a constant that
/// evaluates it where the model is declared.
fn children(model: &Model) -> (TokenStream, TokenStream) {
    let runtime = &model.runtime;
    let ident = &model.input.original.ident;
    let generics = &model.input.original.generics;
    let children = model.cascades.iter().map(|cascade| {
        let child = &cascade.model;
        let foreign_key = &cascade.foreign_key.value;
        // Spanned at the attribute: a child that is no model, or a foreign key
        // that is not its column, is reported there.
        let span = cascade.foreign_key.tokens.clone().into_iter().next().map_or_else(Span::call_site, |t| t.span());
        quote_spanned!(span=> #runtime::Child::of::<#child>(#foreign_key, <Self as #runtime::SoftDelete>::MARKER))
    });
    let children = if model.cascades.is_empty() {
        TokenStream::new()
    } else {
        quote!(const CHILDREN: &'static [#runtime::Child] = &[#(#children),*];)
    };
    // Constants are checked when used; a generic-free model is checked here,
    // where it is declared, whether or not it ever cascades.
    let check_children = if model.cascades.is_empty() || !generics.params.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            const _: () = {
                let _ = <#ident as #runtime::SoftDelete>::CHILDREN;
            };
        }
    };

    (children, check_children)
}

/// The path of the runtime in a bound spanned at a field's type: respanned
/// too unless the user wrote it (`crate = "..."`), whose span then stays on
/// the attribute.
fn runtime_in_bound(ty: &Type, runtime: &TokenStream, model: &Model) -> TokenStream {
    if model.input.attrs.krate.is_some() {
        runtime.clone()
    } else {
        respanned(runtime.clone(), last_span(ty))
    }
}

/// `ty: runtime::__private::Trait`, every token spanned at `ty`, so rustc
/// points at the field's type, not at the derive.
fn field_bound(ty: &Type, runtime: &TokenStream, field_trait: &TokenStream) -> TokenStream {
    let end = last_span(ty);
    let private_path = respanned(quote!(::__private::#field_trait), end);
    quote_spanned!(end=> #ty: #runtime #private_path)
}

fn last_span(ty: &Type) -> Span {
    ty.to_token_stream()
        .into_iter()
        .last()
        .map_or_else(|| ty.span(), |token| token.span())
}

/// `PostColumn`: a variant per column plus `Table`, implementing `Iden`.
fn column_enum(input: &Input, runtime: &TokenStream, table: &str) -> TokenStream {
    let ident = &input.original.ident;
    let vis = &input.original.vis;
    let enum_ident = format_ident!("{}Column", ident);
    // A model with errors may repeat a variant or have a field `table`; that
    // error is reported, and the first of each name keeps the enum compiling.
    let mut seen = HashSet::new();
    let columns: Vec<_> = input
        .columns()
        .filter(|field| field.variant != "Table" && seen.insert(field.variant.to_string()))
        .collect();
    let variants = columns.iter().map(|field| &field.variant);
    let docs = columns
        .iter()
        .map(|field| format!("The column `{}`.", field.sql_name));
    let arms = columns.iter().map(|field| {
        let variant = &field.variant;
        let name = &field.sql_name;
        quote!(#enum_ident::#variant => #name)
    });
    let enum_doc = format!("Columns of [`{ident}`], as `sea_query` identifiers: filters that name a column are checked at compile time.");
    let table_doc = format!("The table `{table}`.");
    let sea_query = quote!(#runtime::__private::sea_query);
    quote! {
        #[doc = #enum_doc]
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
        )]
        #[allow(dead_code)]
        #vis enum #enum_ident {
            #[doc = #table_doc]
            Table,
            #(
                #[doc = #docs]
                #variants,
            )*
        }

        #[automatically_derived]
        impl #sea_query::IdenStatic for #enum_ident {
            fn as_str(&self) -> &'static str {
                match *self {
                    #enum_ident::Table => #table,
                    #(#arms,)*
                }
            }
        }

        #[automatically_derived]
        impl #sea_query::Iden for #enum_ident {
            fn quoted(&self) -> #runtime::__private::Cow<'static, str> {
                #sea_query::Iden::quoted(&#sea_query::IdenStatic::as_str(self))
            }

            fn unquoted(&self) -> &str {
                #sea_query::IdenStatic::as_str(self)
            }
        }
    }
}

/// A minimal impl emitted beside the errors, so the user sees those errors
/// and not a cascade of "`SoftDelete` is not implemented" at every use.
///
/// `Id` is the key's type when the key can be told, so calls such as
/// `Post::find("slug".to_owned())` do not add type errors of their own.
fn fallback(input: &DeriveInput, runtime: &TokenStream, id: Option<&Type>) -> TokenStream {
    let ident = &input.ident;
    let id = id.map_or_else(|| quote!(i64), ToTokens::to_token_stream);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #runtime::SoftDelete for #ident #ty_generics #where_clause {
            const TABLE: &'static str = "";
            const PRIMARY_KEY: &'static str = "";
            const COLUMNS: &'static [&'static str] = &[];
            const MARKER: #runtime::Marker = #runtime::Marker::timestamp("");
            type Id = #id;
            fn id(&self) -> Self::Id {
                ::core::unreachable!()
            }
            fn is_trashed(&self) -> bool {
                ::core::unreachable!()
            }
        }
        #[automatically_derived]
        impl #impl_generics #runtime::RecordsDeletionTime for #ident #ty_generics #where_clause {}
    }
}

/// `tokens` with every span set to `span`, so an error on them points there.
fn respanned(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut respanned = Group::new(group.delimiter(), respanned(group.stream(), span));
                respanned.set_span(span);
                TokenTree::Group(respanned)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}

/// The key a model with errors most likely has: the first field marked
/// `primary_key`, else the column `id`.
fn likely_primary_key_type<'a>(input: &Input<'a>) -> Option<&'a Type> {
    input
        .fields
        .iter()
        .find(|field| field.attrs.primary_key.is_some())
        .or_else(|| input.columns().find(|field| field.ident == "id"))
        .map(|field| field.ty)
}
