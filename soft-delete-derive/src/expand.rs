//! Model → tokens: the `SoftDelete` impl (consts and accessors) and the
//! column enum. Behaviour stays in the runtime crate.
//!
//! Every generated item allows `unused_qualifications`, as thiserror's and
//! serde's do: its paths are absolute so that they resolve anywhere, and a
//! runtime named with `crate = "crate::x"` is often imported where the model
//! is declared, which makes them "unnecessary" there.

use std::collections::HashSet;

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned as _;
use syn::{DeriveInput, Type};

use crate::ast::{Field, Input};
use crate::attr::{keys, Cascade, ContainerAttrs, Style};
use crate::ctxt::Ctxt;
use crate::valid::{self, Model};

/// The whole expansion of `#[derive(SoftDelete)]` on `input`.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let ast = match Input::from_syn(&mut cx, input) {
        Ok(ast) => ast,
        Err(attrs) => return not_a_struct(cx, input, &attrs),
    };
    match valid::check(&mut cx, &ast) {
        Some(model) if cx.is_clean() => {
            let soft_delete = impl_soft_delete(&model);
            let field_checks = field_checks(&model);
            let columns = column_enum(&ast, &model.runtime, &model.table);
            quote! { #soft_delete #field_checks #columns }
        }
        _ => {
            let runtime = valid::runtime_path(&ast.attrs);
            let table = ast.original.ident.to_string();
            let columns = column_enum(&ast, &runtime, &table);
            let errors = cx.into_compile_errors();
            let column = format_ident!("{}Column", ast.original.ident).to_token_stream();
            let fallback = fallback(
                input,
                &runtime,
                likely_primary_key_type(&ast),
                &column,
                &ast.attrs,
            );
            quote! { #errors #fallback #columns }
        }
    }
}

/// The errors of an input that is not a struct with named fields, and the
/// fallback impl under the runtime its `crate = "..."` names.
fn not_a_struct(cx: Ctxt, input: &DeriveInput, attrs: &ContainerAttrs) -> TokenStream {
    let runtime = valid::runtime_path(attrs);
    let errors = cx.into_compile_errors();
    let column = quote!(#runtime::__private::NoColumn);
    let fallback = fallback(input, &runtime, None, &column, attrs);
    quote! { #errors #fallback }
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
    let marker_trait = marker_trait(model);
    let column_enum = format_ident!("{}Column", ident);

    let marker = marker(model);
    let predicates = predicates(model, where_clause);
    let records_time = match model.style {
        Style::Timestamp | Style::Unix => quote! {
            #[automatically_derived]
            #[allow(unused_qualifications)]
            impl #impl_generics #runtime::RecordsDeletionTime for #ident #ty_generics
            where #(#predicates,)* {}
        },
        Style::Bool | Style::Active => TokenStream::new(),
    };
    let records_deleted_by = if model.deleted_by.is_some() {
        quote! {
            #[automatically_derived]
            #[allow(unused_qualifications)]
            impl #impl_generics #runtime::RecordsDeletedBy for #ident #ty_generics
            where #(#predicates,)* {}
        }
    } else {
        TokenStream::new()
    };
    let retained = if model.retain_seconds.is_some() {
        quote! {
            #[automatically_derived]
            #[allow(unused_qualifications)]
            impl #impl_generics #runtime::Retained for #ident #ty_generics
            where #(#predicates,)* {}
        }
    } else {
        TokenStream::new()
    };
    let has_hooks = has_hooks(model, &predicates);
    let children = children(model);
    let parents = parents(model);
    // A model without generic parameters is `'static`, so it has a
    // `TypeId`: the key of its rendered SQL, in one map for every model (a
    // `static` per model costs far more to compile: BENCHMARKS.md,
    // section 3).
    let sql_cache = input.generics.params.is_empty().then(|| {
        quote! {
            const __SQL_CACHE_KEY: ::core::option::Option<::core::any::TypeId> =
                ::core::option::Option::Some(::core::any::TypeId::of::<Self>());
        }
    });
    let self_foreign_key = model.self_foreign_key.map(|key| {
        let key = &key.value;
        quote!(const SELF_FOREIGN_KEY: ::core::option::Option<&'static str> = ::core::option::Option::Some(#key);)
    });
    let unique = (!model.unique.is_empty()).then(|| {
        let keys = model.unique.iter().map(|fields| {
            let columns = fields.iter().map(|field| &field.sql_name);
            quote!(&[#(#columns),*])
        });
        quote!(const UNIQUE: &'static [&'static [&'static str]] = &[#(#keys),*];)
    });
    let retain_seconds = model.retain_seconds.map(|seconds| {
        let seconds = proc_macro2::Literal::u64_unsuffixed(seconds);
        quote!(const RETAIN_SECONDS: ::core::option::Option<u64> = ::core::option::Option::Some(#seconds);)
    });

    quote! {
        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #impl_generics #runtime::SoftDelete for #ident #ty_generics
        where #(#predicates,)*
        {
            const TABLE: &'static str = #table;
            const PRIMARY_KEY: &'static str = #primary_key;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const MARKER: #runtime::Marker = #marker;
            #children
            #parents
            #self_foreign_key
            #unique
            #retain_seconds
            type Id = #primary_key_ty;
            type Column = #column_enum;

            #[inline]
            fn id(&self) -> Self::Id {
                ::core::clone::Clone::clone(&self.#primary_key_ident)
            }

            #[inline]
            fn is_trashed(&self) -> bool {
                <#marker_ty as #runtime::__private::#marker_trait>::marker_is_trashed(&self.#marker_ident)
            }
            #sql_cache
        }
        #records_time
        #records_deleted_by
        #retained
        #has_hooks
    }
}

/// The `Marker` constant's expression: the style's constructor and each
/// optional column and clock.
///
/// The field types are named as `<Type as Trait>::ITEM`, never as a generic
/// argument of a bounded function (`timestamp_for::<Type>`): a wrong type is
/// then the same error wherever it is named, which rustc reports once,
/// without a "required by a bound" note.
fn marker(model: &Model) -> TokenStream {
    let runtime = &model.runtime;
    let marker_ty = model.marker.ty;
    let marker_column = &model.marker.sql_name;
    let mut marker = match model.style {
        Style::Timestamp => quote! {
            (if <#marker_ty as #runtime::__private::TimestampField>::WITH_TIME_ZONE {
                #runtime::Marker::timestamp(#marker_column)
            } else {
                #runtime::Marker::naive_timestamp(#marker_column)
            })
        },
        Style::Bool => quote!(#runtime::Marker::bool(#marker_column)),
        Style::Unix => quote!(#runtime::Marker::unix(#marker_column)),
        Style::Active => quote!(#runtime::Marker::active(#marker_column)),
    };
    if let Some(deleted_by) = model.deleted_by {
        let column = &deleted_by.sql_name;
        marker = quote!(#marker.with_deleted_by(#column));
    }
    if let Some(updated_at) = model.updated_at {
        let (column, ty) = (&updated_at.sql_name, updated_at.ty);
        marker = quote! {
            #marker.with_updated_at(
                #column,
                <#ty as #runtime::__private::UpdatedAtField>::WITH_TIME_ZONE,
            )
        };
    }
    if let Some(cascade_id) = model.cascade_id {
        let column = &cascade_id.sql_name;
        marker = quote!(#marker.with_cascade_id(#column));
    }
    if model.database_clock {
        marker = quote!(#marker.with_clock(#runtime::Clock::Database));
    }
    marker
}

/// The trait of the marker field's type, by style.
fn marker_trait(model: &Model) -> TokenStream {
    match model.style {
        Style::Timestamp => quote!(TimestampField),
        Style::Bool => quote!(BoolField),
        Style::Unix => quote!(UnixField),
        Style::Active => quote!(ActiveField),
    }
}

/// The typed fields (marker, `deleted_by`, `updated_at`, `cascade_id`),
/// each with the trait its type must implement.
fn typed_fields<'m>(model: &'m Model) -> impl Iterator<Item = (&'m Field<'m>, TokenStream)> {
    [
        Some((model.marker, marker_trait(model))),
        model
            .updated_at
            .map(|field| (field, quote!(UpdatedAtField))),
    ]
    .into_iter()
    .flatten()
    .chain(unnamed_fields(model))
}

/// The typed fields the impls name nowhere else (`deleted_by`,
/// `cascade_id`), with their traits: [`field_checks`] names them.
fn unnamed_fields<'m>(model: &'m Model) -> impl Iterator<Item = (&'m Field<'m>, TokenStream)> {
    [
        model
            .deleted_by
            .map(|field| (field, quote!(DeletedByField))),
        model
            .cascade_id
            .map(|field| (field, quote!(CascadeIdField))),
    ]
    .into_iter()
    .flatten()
}

/// The impl's where clause: the struct's own predicates, then a bound per
/// typed field whose type names a generic parameter of the model (a field
/// `deleted_at: M` makes the impls hold for the `M` that fit), spanned at
/// the type.
///
/// A type naming no parameter gets no bound: that bound would be trivially
/// true or false, and rustc reports a false one with a stray "see issue
/// #48214". Such a type is checked by naming it as `<Type as Trait>::ITEM`
/// (in `marker`, `is_trashed` and `field_checks`), which is one error at
/// the type with the trait's fix-it message; the impls then hold anyway,
/// so the mistake does not spread to uses of the model.
fn predicates(model: &Model, where_clause: Option<&syn::WhereClause>) -> Vec<TokenStream> {
    let runtime = &model.runtime;
    let generics = &model.input.original.generics;
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|clause| clause.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    for (field, field_trait) in typed_fields(model) {
        if names_a_parameter(field.ty, generics) {
            predicates.push(field_bound(
                field.ty,
                &runtime_in_bound(field.ty, runtime, model),
                &field_trait,
            ));
        }
    }
    predicates
}

/// `const _: () = <Type as Trait>::CHECK;` for the typed fields that the
/// impls do not name otherwise (`deleted_by`, `cascade_id`), when their type
/// names no generic parameter (else the where clause bounds it).
fn field_checks(model: &Model) -> TokenStream {
    let runtime = &model.runtime;
    let generics = &model.input.original.generics;
    unnamed_fields(model)
        .filter(|(field, _)| !names_a_parameter(field.ty, generics))
        .map(|(field, field_trait)| {
            let ty = field.ty;
            quote! {
                #[allow(unused_qualifications)]
                const _: () = <#ty as #runtime::__private::#field_trait>::CHECK;
            }
        })
        .collect()
}

/// Whether `ty` may name a generic parameter of the model: one of its type
/// or const parameters, a lifetime other than `'static`, `Self`, or a macro
/// (whose expansion is not known here).
fn names_a_parameter(ty: &impl ToTokens, generics: &syn::Generics) -> bool {
    let params: HashSet<String> = generics
        .type_params()
        .map(|param| param.ident.to_string())
        .chain(generics.const_params().map(|param| param.ident.to_string()))
        .collect();
    names_any(ty.to_token_stream(), &params)
}

fn names_any(tokens: TokenStream, params: &HashSet<String>) -> bool {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let names = match token {
            TokenTree::Group(group) => names_any(group.stream(), params),
            TokenTree::Ident(ident) => ident == "Self" || params.contains(&ident.to_string()),
            TokenTree::Punct(punct) => match punct.as_char() {
                '!' => true,
                '\'' => {
                    !matches!(tokens.peek(), Some(TokenTree::Ident(ident)) if ident == "static")
                }
                _ => false,
            },
            TokenTree::Literal(_) => false,
        };
        if names {
            return true;
        }
    }
    false
}

/// `impl HasHooks`: the `hooks = "..."` type, else `NoHooks`.
fn has_hooks(model: &Model, predicates: &[TokenStream]) -> TokenStream {
    let runtime = &model.runtime;
    let input = model.input.original;
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let hooks = model.input.attrs.hooks.as_ref().map_or_else(
        || quote!(#runtime::NoHooks),
        |hooks| hooks.value.to_token_stream(),
    );
    quote! {
        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #impl_generics #runtime::HasHooks for #ident #ty_generics
        where #(#predicates,)*
        {
            type Hooks = #hooks;
        }
    }
}

/// `const PARENTS` for the model's `parent(...)`s (nothing without any).
fn parents(model: &Model) -> TokenStream {
    if model.parents.is_empty() {
        return TokenStream::new();
    }
    let runtime = &model.runtime;
    let parents = model.parents.iter().map(|parent| {
        let path = &parent.model;
        let foreign_key = &parent.foreign_key.value;
        let span = first_span(&path.to_token_stream());
        quote_spanned!(span=> #runtime::Parent::of::<#path>(#foreign_key))
    });
    quote! {
        const PARENTS: &'static [#runtime::Parent] = &[#(#parents),*];
    }
}

/// `const CHILDREN` for the model's `cascade(...)`s, each child checked
/// before `Child::of` builds it, so that a child that cannot take part is
/// one compile error at its `cascade(...)`, naming both models, rather than
/// a panic inside core.
///
/// Each possible problem is asserted as a trait bound (`asserted`): a plain
/// error at the token, with the fix, as soon as the model is declared. A
/// const argument may not name a generic parameter, so a generic model
/// whose marker (or `updated_at`) type, or the child's path, names one is
/// checked instead by a `panic!` when `CHILDREN` is evaluated (`checked`):
/// an E0080 "evaluation panicked" with the same words, where the model is
/// used.
fn children(model: &Model) -> TokenStream {
    let Some(first) = model.cascades.first() else {
        return TokenStream::new();
    };
    let runtime = &model.runtime;
    let ident = &model.input.original.ident;
    let generics = &model.input.original.generics;
    // The parent's marker as a const argument may name no generic
    // parameter: `<Post as SoftDelete>::MARKER`, or for a generic model the
    // `Marker` expression itself when the field types name none.
    let parent_marker = if generics.params.is_empty() {
        Some(quote!(<#ident as #runtime::SoftDelete>::MARKER))
    } else {
        let fields = [Some(model.marker), model.updated_at];
        (!fields
            .into_iter()
            .flatten()
            .any(|field| names_a_parameter(field.ty, generics)))
        .then(|| marker(model))
    };
    let of = respanned(
        quote!(#runtime::Child::of),
        first_span(&first.model.to_token_stream()),
    );
    let children = model.cascades.iter().map(|cascade| {
        let child = &cascade.model;
        let foreign_key = &cascade.foreign_key.value;
        let span = first_span(&child.to_token_stream());
        let marker = respanned(quote!(<Self as #runtime::SoftDelete>::MARKER), span);
        let of = respanned(of.clone(), span);
        match &parent_marker {
            Some(parent_marker) if !names_a_parameter(child, generics) => {
                asserted(model, cascade, parent_marker, &marker)
            }
            _ => {
                let child_of = quote_spanned!(span=> #of::<#child>(#foreign_key, #marker));
                checked(model, cascade, &marker, &child_of)
            }
        }
    });
    quote! {
        const CHILDREN: &'static [#runtime::Child] = &[#(#children),*];
    }
}

/// What can be wrong with one `cascade(Child = "...")`, which only the
/// constants of the child tell: the `CascadeProblem` variant, the token it
/// is reported at, and its words.
struct Problem {
    variant: &'static str,
    span: Span,
    /// What is wrong, naming both models: the error's first line.
    message: String,
    /// How to fix it: the label at the token.
    fix: String,
    /// Why, when it needs saying.
    note: Option<String>,
}

/// The problems `cascade_problem` can find for `cascade` given what the
/// parent is (its style, its `cascade_id`), first to last.
fn problems(model: &Model, cascade: &Cascade) -> Vec<Problem> {
    let parent = &model.input.original.ident;
    let child = cascade.model.to_token_stream().to_string().replace(' ', "");
    let foreign_key = &cascade.foreign_key.value;
    let parent_style = model.style.name();
    let key_span = first_span(&cascade.foreign_key.tokens);
    let child_span = first_span(&cascade.model.to_token_stream());
    let mut problems = vec![Problem {
        variant: "ForeignKeyNotAColumn",
        span: key_span,
        message: format!("`{foreign_key}` is not a column of `{child}`"),
        fix: format!(
            "name the column of `{child}` that holds the key of `{parent}`, by its SQL name"
        ),
        note: None,
    }];
    if model.cascade_id.is_some() {
        problems.push(Problem {
            variant: "ChildWithoutCascadeId",
            span: child_span,
            message: format!("`{parent}` has `cascade_id`, and `{child}` has not"),
            fix: format!("add a field `deletion_id: Option<i64>` and `cascade_id = \"deletion_id\"` to `{child}`"),
            note: Some("a cascade stamps its deletion id on every row it trashes".to_owned()),
        });
    } else {
        problems.push(Problem {
            variant: "DeepWithoutCascadeId",
            span: child_span,
            message: format!("`{child}` has cascades of its own, so a cascade from `{parent}` reaches more than one level"),
            fix: "add `cascade_id = \"...\"` (an `Option<i64>` column) to every model of the tree".to_owned(),
            note: Some("only a deletion id keeps the restore of a deeper cascade exact".to_owned()),
        });
    }
    if model.cascade_id.is_some() {
        // The deletion id says which rows a cascade took, and each row gets
        // its own style's marker: the styles may differ.
        return problems;
    }
    let with_cascade_id = || {
        Some(format!("a cascade copies the deletion time stored in `{parent}` into its children, so their markers must be stored alike; with `cascade_id` on every model of the tree, the styles may differ"))
    };
    problems.push(Problem {
        variant: "ChildIsBool",
        span: child_span,
        message: format!("`{child}` has `style = \"bool\"`, which records no deletion time, and `{parent}` has `style = \"{parent_style}\"`"),
        fix: format!("give `{child}` `style = \"{parent_style}\"`"),
        note: with_cascade_id(),
    });
    problems.push(Problem {
        variant: "ChildIsActive",
        span: child_span,
        message: format!("`{child}` has `style = \"active\"`, which records no deletion time, and `{parent}` has `style = \"{parent_style}\"`"),
        fix: format!("give `{child}` `style = \"{parent_style}\"`"),
        note: with_cascade_id(),
    });
    match model.style {
        Style::Timestamp => {
            problems.push(Problem {
                variant: "ChildIsUnix",
                span: child_span,
                message: format!("`{child}` has `style = \"unix\"` and `{parent}` has `style = \"timestamp\"`"),
                fix: "give both the same style".to_owned(),
                note: with_cascade_id(),
            });
            problems.push(Problem {
                variant: "ChildWithoutTimeZone",
                span: child_span,
                message: format!("the marker of `{child}` is an `Option<NaiveDateTime>` and that of `{parent}` an `Option<DateTime<Utc>>`"),
                fix: "make both `Option<DateTime<Utc>>` (or both `Option<NaiveDateTime>`)".to_owned(),
                note: with_cascade_id(),
            });
            problems.push(Problem {
                variant: "ChildWithTimeZone",
                span: child_span,
                message: format!("the marker of `{child}` is an `Option<DateTime<Utc>>` and that of `{parent}` an `Option<NaiveDateTime>`"),
                fix: "make both `Option<NaiveDateTime>` (or both `Option<DateTime<Utc>>`)".to_owned(),
                note: with_cascade_id(),
            });
        }
        Style::Unix | Style::Bool | Style::Active => problems.push(Problem {
            variant: "ChildIsTimestamp",
            span: child_span,
            message: format!("`{child}` has `style = \"timestamp\"` and `{parent}` has `style = \"{parent_style}\"`"),
            fix: "give both the same style".to_owned(),
            note: with_cascade_id(),
        }),
    }
    problems
}

/// `{ ..; Child::of::<Child>(fk, check_cascade::<()>(MARKER)) }`: for each
/// problem, a local trait whose `#[diagnostic::on_unimplemented]` says it,
/// implemented only for `true`, and a bound on it in `check_cascade` whose
/// const argument is "this cascade has not this problem". A problem is then
/// one E0277 at its token that reads as a plain error: what is wrong, the
/// fix as the label, why as a note.
///
/// The bounds are on a type parameter (rustc adds no "the trait is not
/// implemented for" line for one, and drops its "consider restricting" hint
/// on the derive's tokens), named by `<P as Trait<{ .. }>>::CHECK`, which
/// adds no "required by a bound" note either. The parent's marker goes
/// through `check_cascade` to `Child::of`: a failed check leaves
/// `check_cascade` without a body, so evaluating `CHILDREN` (at the
/// declaration, or where the model is used) stops there, adding no panic of
/// `Child::of` to the error.
fn asserted(
    model: &Model,
    cascade: &Cascade,
    parent_marker: &TokenStream,
    self_marker: &TokenStream,
) -> TokenStream {
    let runtime = &model.runtime;
    let child = &cascade.model;
    let foreign_key = &cascade.foreign_key.value;
    let child_span = first_span(&child.to_token_stream());
    let problem_ty = respanned(quote!(#runtime::__private::CascadeProblem), child_span);
    let cascade_problem = respanned(quote!(#runtime::__private::cascade_problem), child_span);
    let of = respanned(quote!(#runtime::Child::of), child_span);
    let marker = respanned(parent_marker.clone(), child_span);
    let problems = problems(model, cascade);
    let traits = problems.iter().map(|problem| {
        let name = format_ident!("{}", problem.variant);
        let message = on_unimplemented_text(&problem.message);
        let label = on_unimplemented_text(&problem.fix);
        let note = problem.note.as_deref().map(|note| {
            let note = on_unimplemented_text(note);
            quote!(, note = #note)
        });
        quote! {
            #[diagnostic::on_unimplemented(message = #message, label = #label #note)]
            trait #name<const SOUND: bool> {
                const CHECK: () = ();
            }
            #[diagnostic::do_not_recommend]
            impl<T: ?::core::marker::Sized> #name<true> for T {}
        }
    });
    let bounds = problems.iter().map(|problem| {
        let name = format_ident!("{}", problem.variant);
        let variant = format_ident!("{}", problem.variant, span = child_span);
        let param = quote_spanned!(problem.span=> __Sound);
        // Naming `Child::of` first makes "required by a bound in
        // `Child::of`", a documented function, the note of a child that is
        // not a model.
        quote! {
            let () = <#param as #name<{
                let _ = #of::<#child>;
                !matches!(
                    #cascade_problem::<#child>(#foreign_key, #marker),
                    #problem_ty::#variant
                )
            }>>::CHECK;
        }
    });
    let ok =
        quote_spanned!(child_span=> #of::<#child>(#foreign_key, check_cascade::<()>(#self_marker)));
    // Reading the child's children first makes a cycle of cascades the
    // short cycle between the models' `CHILDREN`, not one through
    // `check_cascade` (after `Child::of`, for the note of a child that is not
    // a model).
    let children = respanned(
        quote!(<#child as #runtime::SoftDelete>::CHILDREN),
        child_span,
    );
    quote! {
        {
            let _ = #of::<#child>;
            let _ = #children;
            #(#traits)*
            const fn check_cascade<__Sound: ?::core::marker::Sized>(
                marker: #runtime::Marker,
            ) -> #runtime::Marker {
                #(#bounds)*
                marker
            }
            #ok
        }
    }
}

/// `text` as a string literal of `#[diagnostic::on_unimplemented]`, whose
/// braces are format arguments.
fn on_unimplemented_text(text: &str) -> syn::LitStr {
    syn::LitStr::new(
        &text.replace('{', "{{").replace('}', "}}"),
        Span::call_site(),
    )
}

/// `match cascade_problem::<Child>(..) { problem => panic!(..), _ => ok }`,
/// each panic spanned at the offending token with the problem's words (a
/// problem the parent rules out is left to `Child::of`'s own panic).
fn checked(
    model: &Model,
    cascade: &Cascade,
    parent_marker: &TokenStream,
    ok: &TokenStream,
) -> TokenStream {
    let runtime = &model.runtime;
    let child = &cascade.model;
    let foreign_key = &cascade.foreign_key.value;
    let child_span = first_span(&child.to_token_stream());
    let problem_ty = respanned(quote!(#runtime::__private::CascadeProblem), child_span);
    let arms = problems(model, cascade).into_iter().map(|problem| {
        let variant = format_ident!("{}", problem.variant, span = problem.span);
        let message = match &problem.note {
            Some(note) => format!("{}: {note}; {}", problem.message, problem.fix),
            None => format!("{}: {}", problem.message, problem.fix),
        };
        quote_spanned!(problem.span=> #problem_ty::#variant => ::core::panic!("{}", #message),)
    });
    let check = respanned(quote!(#runtime::__private::cascade_problem), child_span);
    let of = respanned(quote!(#runtime::Child::of), child_span);
    // Naming `Child::of` first makes "required by a bound in `Child::of`",
    // a documented function, the note of a child that is not a model.
    quote_spanned! {child_span=>
        {
            let _ = #of::<#child>;
            match #check::<#child>(#foreign_key, #parent_marker) {
                #(#arms)*
                _ => #ok,
            }
        }
    }
}

/// The span of the first token of `tokens`: a literal's span, for one.
fn first_span(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span())
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
///
/// The enum is the bulk of what a model costs to compile, so it is kept
/// small (measured in BENCHMARKS.md, section 3): only `Clone` and `Copy` are
/// derived; `Debug`, `PartialEq`, `Eq` and `Hash` are one-line impls on the
/// discriminant, as the derives would be, without their extra items; and
/// every method is `#[inline]`, so a crate compiles to machine code only the
/// methods it calls.
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
    // By discriminant: `Table` first, then the columns in field order.
    let names = columns.iter().map(|field| field.variant.to_string());
    let sql_names = columns.iter().map(|field| &field.sql_name);
    let enum_doc = format!("Columns of [`{ident}`], as `sea_query` identifiers: filters that name a column are checked at compile time.");
    let table_doc = format!("The table `{table}`.");
    let sea_query = quote!(#runtime::__private::sea_query);
    quote! {
        #[doc = #enum_doc]
        #[derive(::core::clone::Clone, ::core::marker::Copy)]
        #[allow(dead_code, unused_qualifications)]
        #vis enum #enum_ident {
            #[doc = #table_doc]
            Table,
            #(
                #[doc = #docs]
                #variants,
            )*
        }

        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl ::core::fmt::Debug for #enum_ident {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(["Table", #(#names),*][*self as usize])
            }
        }

        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl ::core::cmp::PartialEq for #enum_ident {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                *self as usize == *other as usize
            }
        }

        #[automatically_derived]
        impl ::core::cmp::Eq for #enum_ident {}

        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl ::core::hash::Hash for #enum_ident {
            #[inline]
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                state.write_usize(*self as usize);
            }
        }

        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #sea_query::IdenStatic for #enum_ident {
            #[inline]
            fn as_str(&self) -> &'static str {
                [#table, #(#sql_names),*][*self as usize]
            }
        }

        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #sea_query::Iden for #enum_ident {
            #[inline]
            fn quoted(&self) -> #runtime::__private::Cow<'static, str> {
                #sea_query::Iden::quoted(&#sea_query::IdenStatic::as_str(self))
            }

            #[inline]
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
/// `Post::find("slug".to_owned())` do not add type errors of their own;
/// `Column` is the column enum where one is emitted (a struct), for the same
/// reason with `Schema::new(..).live_index::<Post>(&[PostColumn::Title])`; `Retained`
/// where `retain` is written, so a purge job bound by it adds no error.
fn fallback(
    input: &DeriveInput,
    runtime: &TokenStream,
    id: Option<&Type>,
    column: &TokenStream,
    attrs: &ContainerAttrs,
) -> TokenStream {
    let ident = &input.ident;
    let id = id.map_or_else(|| quote!(i64), ToTokens::to_token_stream);
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let retained = (attrs.retain.is_some() || attrs.rejected.contains(keys::RETAIN)).then(|| {
        quote! {
            #[automatically_derived]
            #[allow(unused_qualifications)]
            impl #impl_generics #runtime::Retained for #ident #ty_generics #where_clause {}
        }
    });
    quote! {
        #retained
        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #impl_generics #runtime::SoftDelete for #ident #ty_generics #where_clause {
            const TABLE: &'static str = "";
            const PRIMARY_KEY: &'static str = "";
            const COLUMNS: &'static [&'static str] = &[];
            const MARKER: #runtime::Marker = #runtime::Marker::timestamp("");
            type Id = #id;
            type Column = #column;
            fn id(&self) -> Self::Id {
                ::core::unreachable!()
            }
            fn is_trashed(&self) -> bool {
                ::core::unreachable!()
            }
        }
        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #impl_generics #runtime::RecordsDeletionTime for #ident #ty_generics #where_clause {}
        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #impl_generics #runtime::HasHooks for #ident #ty_generics #where_clause {
            type Hooks = #runtime::NoHooks;
        }
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
        .find(|field| field.primary_key.is_some())
        .or_else(|| input.columns().find(|field| field.ident == "id"))
        .map(|field| field.ty)
}
