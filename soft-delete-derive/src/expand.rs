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
    let (field_trait, marker) = match model.style {
        Style::Timestamp => (
            quote!(TimestampField),
            quote!(#runtime::Marker::timestamp_for::<#marker_ty>(#marker_column)),
        ),
        Style::Bool => (
            quote!(BoolField),
            quote!(#runtime::Marker::bool(#marker_column)),
        ),
    };
    // Every token of the bound carries a span of the type (the trait path the
    // last token's), so rustc points at the whole type, not at the derive.
    let marker_ty_end = marker_ty
        .to_token_stream()
        .into_iter()
        .last()
        .map_or_else(|| marker_ty.span(), |token| token.span());
    let runtime_in_bound = if model.input.attrs.krate.is_some() {
        runtime.clone()
    } else {
        respanned(runtime.clone(), marker_ty_end)
    };
    let private_path = respanned(quote!(::__private::#field_trait), marker_ty_end);
    let field_trait_path = quote!(#runtime_in_bound #private_path);
    let marker_bound = quote_spanned!(marker_ty_end=> #marker_ty: #field_trait_path);
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|clause| clause.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    predicates.push(marker_bound);

    let records_time = match model.style {
        Style::Timestamp => quote! {
            #[automatically_derived]
            impl #impl_generics #runtime::RecordsDeletionTime for #ident #ty_generics
            where #(#predicates,)* {}
        },
        Style::Bool => TokenStream::new(),
    };

    quote! {
        #[automatically_derived]
        impl #impl_generics #runtime::SoftDelete for #ident #ty_generics
        where #(#predicates,)*
        {
            const TABLE: &'static str = #table;
            const PRIMARY_KEY: &'static str = #primary_key;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const MARKER: #runtime::Marker = #marker;
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
    }
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
