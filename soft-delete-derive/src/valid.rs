//! Cross-field rules a model must meet, one function per rule. Each reports
//! its errors and lets the others run, so a model is fixed in one round.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use crate::ast::{Field, Input};
use crate::attr::{self, keys, Cascade, ContainerAttrs, Now, Spanned, Style, UniqueKey};
use crate::case;
use crate::ctxt::Ctxt;
use crate::foreign::Name;

/// A model that passed every rule: what `expand` needs, resolved.
pub struct Model<'i, 'a> {
    pub input: &'i Input<'a>,
    pub runtime: TokenStream,
    pub table: String,
    pub style: Style,
    pub primary_key: &'i Field<'a>,
    pub marker: &'i Field<'a>,
    pub deleted_by: Option<&'i Field<'a>>,
    pub updated_at: Option<&'i Field<'a>>,
    pub cascade_id: Option<&'i Field<'a>>,
    /// `cascade(Self = "...")`: the model's column referencing a parent row
    /// of its own table.
    pub self_foreign_key: Option<&'i Spanned<String>>,
    pub database_clock: bool,
    /// The cascades to other models.
    pub cascades: Vec<&'i Cascade>,
    /// `parent(...)`: the models above this one (`Self` for its own parent
    /// row), each foreign key a column of this model.
    pub parents: Vec<&'i Cascade>,
    /// `unique(...)`: each key's fields, in the order written.
    pub unique: Vec<Vec<&'i Field<'a>>>,
    /// `retain = "..."`, in seconds.
    pub retain_seconds: Option<u64>,
}

/// The path generated code uses for the runtime crate: `crate = "..."`, or
/// `::soft_delete`.
pub fn runtime_path(attrs: &ContainerAttrs) -> TokenStream {
    attrs.krate.as_ref().map_or_else(
        || quote!(::soft_delete),
        |krate| krate.value.to_token_stream(),
    )
}

/// Applies every rule; `None` when any failed (the errors are in `cx`).
pub fn check<'i, 'a>(cx: &mut Ctxt, input: &'i Input<'a>) -> Option<Model<'i, 'a>> {
    table_is_named_once(cx, input);
    case_rules_agree(cx, input);
    each_column_has_one_name(cx, input);
    skipped_fields_have_no_column_keys(cx, input);
    column_names_are_unique(cx, input);
    variant_names_are_unique(cx, input);
    let style = input
        .attrs
        .style
        .as_ref()
        .map_or(Style::Timestamp, |style| style.value);
    let primary_key = one_primary_key(cx, input);
    let marker = marker_names_a_column(cx, input, style);
    if let (Some(primary_key), Some(marker)) = (primary_key, marker) {
        marker_is_not_the_primary_key(cx, primary_key, marker);
    }
    let deleted_by = deleted_by_names_another_column(cx, input, [primary_key, marker]);
    let updated_at = updated_at_names_another_column(cx, input, [primary_key, marker, deleted_by]);
    let cascade_id =
        cascade_id_names_another_column(cx, input, [primary_key, marker, deleted_by, updated_at]);
    let self_foreign_key = self_cascade_names_a_column(cx, input);
    self_cascade_needs_a_cascade_id(cx, input);
    database_clock_needs_a_timestamp(cx, input, style);
    cascade_needs_a_deletion_time(cx, input, style);
    let unique = unique_keys_name_columns(cx, input, marker);
    retain_needs_a_deletion_time(cx, input, style);
    if !cx.is_clean() {
        return None;
    }
    let table = table_name(input);
    Some(Model {
        input,
        runtime: runtime_path(&input.attrs),
        table,
        style,
        primary_key: primary_key?,
        marker: marker?,
        deleted_by,
        updated_at,
        cascade_id,
        self_foreign_key,
        database_clock: input
            .attrs
            .now
            .as_ref()
            .is_some_and(|now| now.value == Now::Database),
        cascades: input
            .attrs
            .cascades
            .iter()
            .filter(|cascade| !is_self(input, cascade))
            .collect(),
        unique,
        parents: parents_name_columns(cx, input),
        retain_seconds: input.attrs.retain.as_ref().map(|retain| retain.value),
    })
}

/// `table = "..."`, else `#[sea_orm(table_name = "...")]`, else the
/// struct's name in `snake_case`.
pub fn table_name(input: &Input) -> String {
    let attrs = &input.attrs;
    attrs
        .table
        .as_ref()
        .map(|table| &table.value)
        .or(attrs.sea_orm.table_name.as_ref().map(|table| &table.value))
        .map_or_else(
            || case::snake_case(&input.original.ident.unraw_string()),
            Clone::clone,
        )
}

/// `table = "..."` and SeaORM's `table_name` name one table: written twice,
/// they must agree, or one of them is wrong.
fn table_is_named_once(cx: &mut Ctxt, input: &Input) {
    let attrs = &input.attrs;
    let (Some(table), Some(table_name)) = (&attrs.table, &attrs.sea_orm.table_name) else {
        return;
    };
    if table.value != table_name.value {
        cx.error_spanned_by(
            &table.tokens,
            format!(
                "`table = {:?}` and `{}` name different tables: write the table once, in `#[sea_orm(table_name = \"...\")]`, and remove `table` (SoftDelete reads `table_name`)",
                table.value, table_name.written
            ),
        );
    }
}

/// sqlx's and SeaORM's `rename_all` both name every column: given both, they
/// must be the same case.
fn case_rules_agree(cx: &mut Ctxt, input: &Input) {
    let attrs = &input.attrs;
    let (Some(sqlx), Some(sea_orm)) = (&attrs.sqlx.rename_all, &attrs.sea_orm.rename_all) else {
        return;
    };
    if sqlx.case != sea_orm.case {
        cx.error_spanned_by(
            &sea_orm.tokens,
            format!(
                "`{}` and `{}` name the columns in different cases: use the same case in both",
                sqlx.written, sea_orm.written
            ),
        );
    }
}

/// The attributes that name a field's column must agree: otherwise sqlx or
/// SeaORM reads one column and the soft delete statements another. One error
/// per field, at the first name that differs.
fn each_column_has_one_name(cx: &mut Ctxt, input: &Input) {
    for field in &input.fields {
        let Some((first, rest)) = field.names.split_first() else {
            continue;
        };
        // Two case rules that disagree are reported once, by `case_rules_agree`.
        let Some(other) = rest
            .iter()
            .find(|other| other.value != first.value && !(first.by_case && other.by_case))
        else {
            continue;
        };
        let says = |name: &Name| {
            if name.by_case {
                format!("`{}` makes it `{}`", name.written, name.value)
            } else {
                format!("`{}`", name.written)
            }
        };
        let fix = if first.written.starts_with("#[soft_delete") {
            let instead = if other.written.starts_with("#[sqlx") {
                format!("#[sqlx(rename = {:?})]", first.value)
            } else {
                format!("#[sea_orm(column_name = {:?})]", first.value)
            };
            format!(
                "write the name once, where both derives read it: remove `{}`, or if the column is `{}`, write `{instead}` in its place",
                first.written, first.value
            )
        } else {
            "make them name the same column".to_owned()
        };
        let at = if first.by_case {
            &other.tokens
        } else {
            &first.tokens
        };
        cx.error_spanned_by(
            at,
            format!(
                "field `{}` is given two column names, `{}` and `{}`: {} and {}; {fix}",
                field.ident,
                first.value,
                other.value,
                says(first),
                says(other)
            ),
        );
    }
}

/// A skipped field is not a column, so it cannot be the key or be renamed.
fn skipped_fields_have_no_column_keys(cx: &mut Ctxt, input: &Input) {
    for field in &input.fields {
        let Some(skip) = &field.skip else {
            continue;
        };
        if field.primary_key.is_some() {
            cx.error_spanned_by(
                &skip.tokens,
                format!("the primary key `{}` cannot be skipped: remove `{}`, or move `primary_key` to a column", field.ident, skip.key),
            );
        }
        // Only the names written on the field: no case rule applies to it.
        if let Some(rename) = field.rename() {
            cx.error_spanned_by(
                &rename.tokens,
                format!(
                    "`{}` is skipped, so it has no column to rename: remove `{}` or `{}`",
                    field.ident, rename.key, skip.key
                ),
            );
        }
    }
}

/// Two fields mapping to one SQL column would make every statement ambiguous.
fn column_names_are_unique(cx: &mut Ctxt, input: &Input) {
    let mut seen: HashMap<&str, &Field> = HashMap::new();
    for field in input.columns() {
        if let Some(first) = seen.insert(&field.sql_name, field) {
            let at: &dyn ToTokens = match field.rename() {
                Some(rename) => &rename.tokens,
                None => field.ident,
            };
            cx.error_spanned_by(
                at,
                format!(
                    "field `{}` maps to the column `{}`, which is already field `{}`'s column: give one of them another name with `#[soft_delete(rename = \"...\")]`",
                    field.ident, field.sql_name, first.ident
                ),
            );
            seen.insert(&first.sql_name, first);
        }
    }
}

/// The column enum has a variant per column plus `Table`; they must differ.
fn variant_names_are_unique(cx: &mut Ctxt, input: &Input) {
    let mut seen: HashMap<String, &Field> = HashMap::new();
    for field in input.columns() {
        let variant = field.variant.to_string();
        if variant == "Table" {
            cx.error_spanned_by(
                field.ident,
                format!(
                    "field `{}` would be the column enum's variant `Table`, which names the table: rename the field and keep its column with `#[soft_delete(rename = \"{}\")]`",
                    field.ident, field.sql_name
                ),
            );
        } else if let Some(first) = seen.insert(variant.clone(), field) {
            cx.error_spanned_by(
                field.ident,
                format!(
                    "fields `{}` and `{}` would both be the column enum's variant `{variant}`: rename one, keeping its column with `#[soft_delete(rename = \"...\")]`",
                    first.ident, field.ident
                ),
            );
        }
    }
}

/// Exactly one primary key: the field marked `primary_key`, else the column
/// named `id`. Composite keys are not supported.
fn one_primary_key<'i, 'a>(cx: &mut Ctxt, input: &'i Input<'a>) -> Option<&'i Field<'a>> {
    let mut marked = input
        .fields
        .iter()
        .filter(|field| field.primary_key.is_some());
    if let Some(first) = marked.next() {
        for extra in marked {
            if let Some(key) = &extra.primary_key {
                cx.error_spanned_by(
                    &key.tokens,
                    format!(
                        "a second primary key: `{}` is already the primary key; keep `{}` on one field (composite keys are not supported)",
                        first.ident, key.written
                    ),
                );
            }
        }
        return Some(first);
    }
    if let Some(id) = input
        .columns()
        .find(|field| field.ident.unraw_string() == "id")
    {
        return Some(id);
    }
    if input
        .fields
        .iter()
        .any(|field| field.attrs.rejected.contains(keys::PRIMARY_KEY))
    {
        // A `primary_key` was written but rejected; that error says enough.
        return None;
    }
    let skipped_id = input
        .fields
        .iter()
        .find(|field| field.ident.unraw_string() == "id")
        .and_then(|field| field.skip.as_ref());
    match skipped_id {
        Some(skip) => cx.error_spanned_by(
            &skip.tokens,
            format!("no primary key: the field `id` is skipped; remove its `{}`, or mark the key with `#[soft_delete(primary_key)]`", skip.key),
        ),
        None => cx.error_spanned_by(
            &input.original.ident,
            "no primary key: add a field `id`, or mark the key field with `#[soft_delete(primary_key)]`",
        ),
    }
    None
}

/// `column = "..."` (or the style's default) names a field that is a column.
fn marker_names_a_column<'i, 'a>(
    cx: &mut Ctxt,
    input: &'i Input<'a>,
    style: Style,
) -> Option<&'i Field<'a>> {
    // The default follows the struct's `rename_all`, as every column does.
    let attrs = &input.attrs;
    let case_rule = attrs
        .sqlx
        .rename_all
        .as_ref()
        .or(attrs.sea_orm.rename_all.as_ref());
    let default = case_rule.map_or_else(
        || style.default_column().to_owned(),
        |rule| rule.case.apply(style.default_column()),
    );
    let column = input
        .attrs
        .column
        .as_ref()
        .map_or(default.as_str(), |column| column.value.as_str());
    if let Some(field) = input.columns().find(|field| field.sql_name == column) {
        return Some(field);
    }
    if let Some(field) = input.fields.iter().find(|field| field.sql_name == column) {
        let (tokens, key) = field
            .skip
            .as_ref()
            .map(|skip| (&skip.tokens, skip.key.as_str()))
            .unzip();
        cx.error_spanned_by(
            tokens,
            format!("the marker column `{column}` cannot be skipped: remove `{}`, or name another marker with `column = \"...\"`", key.unwrap_or(keys::SKIP)),
        );
        return None;
    }
    if attrs.rejected.contains(keys::COLUMN)
        || (attrs.column.is_none() && attrs.rejected.contains(keys::STYLE))
        || input
            .fields
            .iter()
            .any(|field| field.attrs.rejected.contains(keys::RENAME))
    {
        // The marker may be in a rejected key (`column`, a `rename`), or its
        // default depends on a rejected `style`; that error says enough.
        return None;
    }
    let columns = input
        .columns()
        .map(|field| format!("`{}`", field.sql_name))
        .collect::<Vec<_>>()
        .join(", ");
    let type_hint = match style {
        Style::Unix => "i64",
        Style::Timestamp => "Option<DateTime<Utc>>",
        Style::Bool | Style::Active => "bool",
    };
    // `column` takes the SQL name; a renamed field is a likely mix-up.
    if let Some(renamed) = input
        .columns()
        .find(|field| field.rename().is_some() && field.ident.unraw_string() == column)
    {
        let sql_name = &renamed.sql_name;
        if let Some(given) = &input.attrs.column {
            cx.error_spanned_by(
                &given.tokens,
                format!("`column = \"{column}\"` names the field `{column}`, whose column is `{sql_name}`: `column` takes the SQL name, write `column = \"{sql_name}\"`"),
            );
        } else {
            let (tokens, key) = renamed
                .rename()
                .map(|rename| (&rename.tokens, rename.key))
                .unzip();
            cx.error_spanned_by(
                tokens,
                format!("no marker column `{column}`: the field `{column}` is renamed to `{sql_name}`; remove the `{}`, or name the marker with `#[soft_delete(column = \"{sql_name}\")]` on the struct", key.unwrap_or(keys::RENAME)),
            );
        }
        return None;
    }
    match &input.attrs.column {
        Some(given) => cx.error_spanned_by(
            &given.tokens,
            format!("`column = \"{column}\"` names no column; the columns are {columns}: name one of them, or add a field `{column}: {type_hint}`"),
        ),
        None => cx.error_spanned_by(
            &input.original.ident,
            format!("no marker column `{column}`: add a field `{column}: {type_hint}`, or name the marker with `#[soft_delete(column = \"...\")]`"),
        ),
    }
    None
}

/// The key identifies a row for its whole life; it cannot also mark deletion.
fn marker_is_not_the_primary_key(cx: &mut Ctxt, primary_key: &Field, marker: &Field) {
    if std::ptr::eq(primary_key.original, marker.original) {
        let at: &dyn ToTokens = match &primary_key.primary_key {
            Some(key) => &key.tokens,
            None => primary_key.ident,
        };
        cx.error_spanned_by(
            at,
            format!(
                "`{}` cannot be both the primary key and the marker column: point `column = \"...\"` at another field",
                marker.sql_name
            ),
        );
    }
}

/// `deleted_by = "..."` names a column that is neither the key nor the
/// marker: restores set it to `NULL`, and the key and marker have their own
/// jobs.
fn deleted_by_names_another_column<'i, 'a>(
    cx: &mut Ctxt,
    input: &'i Input<'a>,
    taken: [Option<&'i Field<'a>>; 2],
) -> Option<&'i Field<'a>> {
    let given = input.attrs.deleted_by.as_ref()?;
    let field = names_a_column(
        cx,
        input,
        keys::DELETED_BY,
        given,
        "Option<i64>` (any `Option`)",
    )?;
    let [primary_key, marker] = taken;
    let Some(role) = role_of(
        field,
        &[
            (primary_key, "the primary key"),
            (marker, "the marker column"),
        ],
    ) else {
        return Some(field);
    };
    cx.error_spanned_by(
        &given.tokens,
        format!(
            "`deleted_by = \"{}\"` names {role}, which cannot also record who deleted a row: add a column of its own, such as `deleted_by: Option<i64>`, and write `deleted_by = \"deleted_by\"`",
            given.value
        ),
    );
    None
}

/// `updated_at = "..."` names a column of its own: soft deletes and restores
/// write a time to it, which the key, the marker and `deleted_by` cannot
/// hold as well.
fn updated_at_names_another_column<'i, 'a>(
    cx: &mut Ctxt,
    input: &'i Input<'a>,
    taken: [Option<&'i Field<'a>>; 3],
) -> Option<&'i Field<'a>> {
    let given = input.attrs.updated_at.as_ref()?;
    let field = names_a_column(cx, input, keys::UPDATED_AT, given, "DateTime<Utc>`")?;
    let [primary_key, marker, deleted_by] = taken;
    let roles = [
        (primary_key, "the primary key"),
        (marker, "the marker column"),
        (deleted_by, "the `deleted_by` column"),
    ];
    let Some(role) = role_of(field, &roles) else {
        return Some(field);
    };
    cx.error_spanned_by(
        &given.tokens,
        format!(
            "`updated_at = \"{}\"` names {role}, which cannot also record when a row last changed: add a column of its own, such as `updated_at: DateTime<Utc>`, and write `updated_at = \"updated_at\"`",
            given.value
        ),
    );
    None
}

/// `cascade_id = "..."` names a column of its own: cascades write their
/// deletion id to it.
fn cascade_id_names_another_column<'i, 'a>(
    cx: &mut Ctxt,
    input: &'i Input<'a>,
    taken: [Option<&'i Field<'a>>; 4],
) -> Option<&'i Field<'a>> {
    let given = input.attrs.cascade_id.as_ref()?;
    let field = names_a_column(cx, input, keys::CASCADE_ID, given, "Option<i64>`")?;
    let [primary_key, marker, deleted_by, updated_at] = taken;
    let roles = [
        (primary_key, "the primary key"),
        (marker, "the marker column"),
        (deleted_by, "the `deleted_by` column"),
        (updated_at, "the `updated_at` column"),
    ];
    let Some(role) = role_of(field, &roles) else {
        return Some(field);
    };
    cx.error_spanned_by(
        &given.tokens,
        format!(
            "`cascade_id = \"{}\"` names {role}, which cannot also hold a cascade's deletion id: add a column of its own, such as `deletion_id: Option<i64>`, and write `cascade_id = \"deletion_id\"`",
            given.value
        ),
    );
    None
}

/// Whether `cascade` names the model itself (`Self`, or its own name): a
/// row's children of the same model, such as a comment's replies.
pub fn is_self(input: &Input, cascade: &Cascade) -> bool {
    let path = &cascade.model;
    path.is_ident("Self") || path.is_ident(&input.original.ident)
}

/// Each `parent(Post = "...")` names a column of the model: the one holding
/// the parent row's key. The parents whose column is one.
fn parents_name_columns<'i>(cx: &mut Ctxt, input: &'i Input) -> Vec<&'i Cascade> {
    input
        .attrs
        .parents
        .iter()
        .filter(|parent| {
            let model = parent.model.to_token_stream().to_string().replace(' ', "");
            let key = format!("parent({model})");
            names_a_column(cx, input, &key, &parent.foreign_key, "i64`").is_some()
        })
        .collect()
}

/// `cascade(Self = "...")` names a column of the model: the one holding the
/// parent row's key.
fn self_cascade_names_a_column<'i>(cx: &mut Ctxt, input: &'i Input) -> Option<&'i Spanned<String>> {
    let cascade = input
        .attrs
        .cascades
        .iter()
        .find(|cascade| is_self(input, cascade))?;
    let given = &cascade.foreign_key;
    names_a_column(cx, input, "cascade(Self = ...)", given, "Option<i64>`")?;
    Some(given)
}

/// A cascade down a model's own rows reaches any depth: only a deletion id
/// keeps its restore exact.
fn self_cascade_needs_a_cascade_id(cx: &mut Ctxt, input: &Input) {
    if input.attrs.cascade_id.is_some() || input.attrs.rejected.contains(keys::CASCADE_ID) {
        return;
    }
    if let Some(cascade) = input
        .attrs
        .cascades
        .iter()
        .find(|cascade| is_self(input, cascade))
    {
        cx.error_spanned_by(
            &cascade.tokens,
            "a cascade to the model's own rows reaches any depth, and needs a deletion id to restore exactly: add a field `deletion_id: Option<i64>` and `cascade_id = \"deletion_id\"`",
        );
    }
}

/// The column `key = "..."` names, by its SQL name; an error naming the
/// columns otherwise (`suggested` completes "add a field `name: ...`").
fn names_a_column<'i, 'a>(
    cx: &mut Ctxt,
    input: &'i Input<'a>,
    key: &str,
    given: &Spanned<String>,
    suggested: &str,
) -> Option<&'i Field<'a>> {
    if let Some(field) = input.columns().find(|field| field.sql_name == given.value) {
        return Some(field);
    }
    // The key takes the SQL name; a renamed field is a likely mix-up.
    if let Some(renamed) = input
        .columns()
        .find(|field| field.rename().is_some() && field.ident.unraw_string() == given.value)
    {
        cx.error_spanned_by(
            &given.tokens,
            format!(
                "`{key} = \"{}\"` names the field `{}`, whose column is `{}`: `{key}` takes the SQL name, write `{key} = \"{}\"`",
                given.value, given.value, renamed.sql_name, renamed.sql_name
            ),
        );
        return None;
    }
    let columns = input
        .columns()
        .map(|field| format!("`{}`", field.sql_name))
        .collect::<Vec<_>>()
        .join(", ");
    cx.error_spanned_by(
        &given.tokens,
        format!(
            "`{key} = \"{}\"` names no column; the columns are {columns}: name one of them, or add a field `{}: {suggested}",
            given.value, given.value
        ),
    );
    None
}

/// The role `field` already has among `roles`, if it is one of them.
fn role_of(field: &Field, roles: &[(Option<&Field>, &'static str)]) -> Option<&'static str> {
    roles.iter().find_map(|(taken, role)| {
        taken
            .is_some_and(|taken| std::ptr::eq(taken.original, field.original))
            .then_some(*role)
    })
}

/// The database clock writes `CURRENT_TIMESTAMP`: only a timestamp marker
/// can hold it (a bool holds no time; Unix seconds have no portable SQL).
fn database_clock_needs_a_timestamp(cx: &mut Ctxt, input: &Input, style: Style) {
    let Some(now) = &input.attrs.now else {
        return;
    };
    let why = match style {
        Style::Timestamp => return,
        Style::Bool | Style::Active => "a bool marker holds no time",
        Style::Unix => {
            "there is no SQL for the database's Unix seconds that all three databases accept"
        }
    };
    if now.value == Now::Database {
        cx.error_spanned_by(
            &now.tokens,
            format!(
                "`now = \"database\"` needs `style = \"timestamp\"`, not `style = \"{}\"`: {why}; remove `now` (the application's clock stamps the deletion), or use the timestamp style",
                style.name()
            ),
        );
    }
}

/// A cascade restore finds the children deleted with their parent by the
/// shared deletion instant, or by the cascade's deletion id; a bool or
/// active marker has no instant, so its cascades need `cascade_id` (they
/// then carry cascades from a parent above through this model; its own
/// `cascade_delete` still needs a deletion time, `RecordsDeletionTime`).
fn cascade_needs_a_deletion_time(cx: &mut Ctxt, input: &Input, style: Style) {
    if !matches!(style, Style::Bool | Style::Active) || input.attrs.cascade_id.is_some() {
        return;
    }
    // One error for the style, however many children are listed.
    if let Some(cascade) = input.attrs.cascades.first() {
        cx.error_spanned_by(
            &cascade.tokens,
            format!("`cascade` needs a marker that records the deletion time, not `style = \"{}\"`, or `cascade_id`: a cascade restore brings back exactly the rows deleted with their parent, found by their shared deletion time or by the cascade's deletion id; use `style = \"timestamp\"` (or `\"unix\"`), or add `cascade_id = \"deletion_id\"` (an `Option<i64>` column) to every model of the tree", style.name()),
        );
    }
}

/// Each `unique(...)` names fields that are columns other than the marker,
/// each once, and no two keys have the same fields: a key is a unique index
/// over those columns among live rows.
fn unique_keys_name_columns<'i, 'a>(
    cx: &mut Ctxt,
    input: &'i Input<'a>,
    marker: Option<&'i Field<'a>>,
) -> Vec<Vec<&'i Field<'a>>> {
    let mut keys_seen: Vec<(Vec<String>, &UniqueKey)> = Vec::new();
    let mut unique = Vec::new();
    for key in &input.attrs.uniques {
        let mut fields: Vec<&Field> = Vec::new();
        let mut broken = false;
        for written in &key.fields {
            let name = written.unraw_string();
            let Some(field) = unique_field(cx, input, written) else {
                broken = true;
                continue;
            };
            if let Some(skip) = &field.skip {
                cx.error_spanned_by(
                    written,
                    format!("`{name}` is skipped (`{}`), so it is no column to keep unique: remove it from `unique(...)`, or remove its `{}`", skip.key, skip.key),
                );
                broken = true;
            } else if marker.is_some_and(|marker| std::ptr::eq(marker.original, field.original)) {
                cx.error_spanned_by(
                    written,
                    format!("`{name}` is the marker column: a `unique(...)` key is already unique among live rows only, which the marker tells apart; remove `{name}` from the key"),
                );
                broken = true;
            } else if fields
                .iter()
                .any(|seen| std::ptr::eq(seen.original, field.original))
            {
                cx.error_spanned_by(
                    written,
                    format!(
                        "`{name}` is listed twice in `{}`: list each field once",
                        written_key(key)
                    ),
                );
                broken = true;
            } else {
                fields.push(field);
            }
        }
        if broken {
            continue;
        }
        let mut names: Vec<String> = fields
            .iter()
            .map(|field| field.ident.unraw_string())
            .collect();
        names.sort();
        if let Some((_, first)) = keys_seen.iter().find(|(seen, _)| *seen == names) {
            let same = if written_key(first) == written_key(key) {
                "is declared twice".to_owned()
            } else {
                format!(
                    "is the key `{}` again (the same fields make the same key)",
                    written_key(first)
                )
            };
            cx.error_spanned_by(
                &key.tokens,
                format!("`{}` {same}: remove one of them", written_key(key)),
            );
            continue;
        }
        keys_seen.push((names, key));
        unique.push(fields);
    }
    unique
}

/// `unique(tenant_id, slug)`, as the user wrote it.
fn written_key(key: &UniqueKey) -> String {
    let fields: Vec<String> = key.fields.iter().map(ToString::to_string).collect();
    format!("unique({})", fields.join(", "))
}

/// The field `written` in a `unique(...)` names; an error otherwise, with the
/// field meant: a close spelling, or the field whose column it names.
fn unique_field<'i, 'a>(
    cx: &mut Ctxt,
    input: &'i Input<'a>,
    written: &syn::Ident,
) -> Option<&'i Field<'a>> {
    let name = written.unraw_string();
    if let Some(field) = input
        .fields
        .iter()
        .find(|field| field.ident.unraw_string() == name)
    {
        return Some(field);
    }
    let model = &input.original.ident;
    if let Some(renamed) = input.columns().find(|field| field.sql_name == name) {
        cx.error_spanned_by(
            written,
            format!(
                "`{name}` is the column of the field `{}`: `unique(...)` takes field names, as written on the struct; write `{}`",
                renamed.ident, renamed.ident
            ),
        );
        return None;
    }
    let names: Vec<String> = input
        .columns()
        .map(|field| field.ident.unraw_string())
        .collect();
    let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
    let message = match attr::closest(&name, &candidates) {
        Some(meant) => format!("`{model}` has no field `{name}`; did you mean `{meant}`?"),
        None => format!(
            "`{model}` has no field `{name}`: `unique(...)` takes field names, as written on the struct; the fields are {}",
            names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    cx.error_spanned_by(written, message);
    None
}

/// A retention counts from the deletion time; a bool marker stores none.
fn retain_needs_a_deletion_time(cx: &mut Ctxt, input: &Input, style: Style) {
    if !matches!(style, Style::Bool | Style::Active) {
        return;
    }
    if let Some(retain) = &input.attrs.retain {
        cx.error_spanned_by(
            &retain.tokens,
            format!("`retain` needs a marker that records the deletion time, not `style = \"{}\"`: a bool marker has no deletion time to count the retention from; use `style = \"timestamp\"` (or `\"unix\"`) with a marker such as `deleted_at: Option<DateTime<Utc>>`, or remove `retain`", style.name()),
        );
    }
}

trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for syn::Ident {
    fn unraw_string(&self) -> String {
        use syn::ext::IdentExt as _;
        self.unraw().to_string()
    }
}

/// The names read from `#[sqlx]` and `#[sea_orm]`, checked on parsed inputs:
/// SeaORM is no dependency here, so its attributes cannot be compiled in a
/// test crate; what the derive computes from them is checked instead.
#[cfg(test)]
mod tests {
    use syn::{parse_quote, DeriveInput};

    use super::check;
    use crate::ast::Input;
    use crate::ctxt::Ctxt;

    /// Table, columns and key of `input`, or its errors.
    fn names(input: &DeriveInput) -> Result<(String, Vec<String>, String), String> {
        let mut cx = Ctxt::default();
        let checked = Input::from_syn(&mut cx, input).ok().and_then(|ast| {
            check(&mut cx, &ast).map(|model| {
                let columns = ast.columns().map(|field| field.sql_name.clone()).collect();
                (model.table, columns, model.primary_key.sql_name.clone())
            })
        });
        match (cx.check(), checked) {
            (Ok(()), Some(names)) => Ok(names),
            (Err(error), _) => Err(error
                .into_iter()
                .map(|error| error.to_string())
                .collect::<Vec<_>>()
                .join("\n")),
            (Ok(()), None) => Err("no model and no error".to_owned()),
        }
    }

    fn ok(input: &DeriveInput) -> (String, Vec<String>, String) {
        names(input).unwrap_or_else(|errors| panic!("{errors}"))
    }

    fn error(input: &DeriveInput) -> String {
        match names(input) {
            Ok(names) => panic!("expected an error, got {names:?}"),
            Err(errors) => errors,
        }
    }

    #[test]
    fn sea_orm_entity_gives_table_columns_key_and_ignored_fields() {
        let (table, columns, key) = ok(&parse_quote! {
            #[derive(DeriveEntityModel)]
            #[sea_orm(table_name = "blog_posts", schema_name = "public", comment = "x")]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false, column_type = "Decimal(Some((16, 4)))")]
                pub slug: String,
                #[sea_orm(column_name = "body_text", column_type = "Text", nullable, default_value = -1)]
                pub body: String,
                #[sea_orm(ignore)]
                pub cached: usize,
                #[sea_orm(has_many, via = "post_tag")]
                pub tags: Vec<Tag>,
                #[sea_orm(belongs_to, from = "author_id", to = "id", on_delete = Cascade)]
                pub author: HasOne<Author>,
                #[sea_orm(unique, indexed, enum_name = "Published", select_as = "text")]
                pub published: bool,
                pub deleted_at: Option<DateTime<Utc>>,
            }
        });
        assert_eq!(table, "blog_posts");
        assert_eq!(columns, ["slug", "body_text", "published", "deleted_at"]);
        assert_eq!(key, "slug");
    }

    #[test]
    fn sea_orm_case_rules_name_the_columns() {
        let (_, columns, _) = ok(&parse_quote! {
            #[sea_orm(table_name = "users", rename_all = "camelCase")]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub user_id: i64,
                #[sea_orm(column_name = "E_MAIL")]
                pub email: String,
                #[sea_orm(column_name_case = "SCREAMING-KEBAB-CASE")]
                pub full_name: String,
                #[soft_delete(rename = "deletedAt")]
                pub deleted_at: Option<DateTime<Utc>>,
            }
        });
        assert_eq!(columns, ["userId", "E_MAIL", "FULL-NAME", "deletedAt"]);
    }

    #[test]
    fn sqlx_rename_all_rename_and_skip() {
        let (table, columns, key) = ok(&parse_quote! {
            #[derive(FromRow)]
            #[sqlx(rename_all = "PascalCase")]
            pub struct Post {
                pub id: i64,
                #[sqlx(rename = "body_text", default)]
                pub body: String,
                #[sqlx(skip)]
                pub cached: usize,
                #[sqlx(try_from = "i64", json)]
                pub view_count: u64,
                pub deleted_at: Option<DateTime<Utc>>,
            }
        });
        assert_eq!(table, "post");
        assert_eq!(columns, ["Id", "body_text", "ViewCount", "DeletedAt"]);
        // `id` renamed to `Id` by `rename_all` is still the key by default.
        assert_eq!(key, "Id");
    }

    #[test]
    fn the_same_name_twice_is_fine() {
        let (table, columns, _) = ok(&parse_quote! {
            #[soft_delete(table = "posts")]
            #[sea_orm(table_name = "posts")]
            pub struct Post {
                #[soft_delete(primary_key)]
                #[sea_orm(primary_key)]
                pub id: i64,
                #[soft_delete(rename = "body_text")]
                #[sqlx(rename = "body_text")]
                #[sea_orm(column_name = "body_text")]
                pub body: String,
                #[soft_delete(skip)]
                #[sqlx(skip)]
                #[sea_orm(ignore)]
                pub cached: usize,
                pub deleted_at: Option<DateTime<Utc>>,
            }
        });
        assert_eq!(table, "posts");
        assert_eq!(columns, ["id", "body_text", "deleted_at"]);
    }

    #[test]
    fn different_names_are_errors_naming_both() {
        let table = error(&parse_quote! {
            #[soft_delete(table = "posts")]
            #[sea_orm(table_name = "articles")]
            pub struct Post { pub id: i64, pub deleted_at: Option<DateTime<Utc>> }
        });
        assert!(
            table.contains("`table = \"posts\"`")
                && table.contains("`#[sea_orm(table_name = \"articles\")]`"),
            "{table}"
        );
        let column = error(&parse_quote! {
            pub struct Post {
                pub id: i64,
                #[sqlx(rename = "body_text")]
                #[sea_orm(column_name = "text")]
                pub body: String,
                pub deleted_at: Option<DateTime<Utc>>,
            }
        });
        assert!(
            column.contains("`#[sqlx(rename = \"body_text\")]`")
                && column.contains("`#[sea_orm(column_name = \"text\")]`"),
            "{column}"
        );
        let cases = error(&parse_quote! {
            #[sqlx(rename_all = "camelCase")]
            #[sea_orm(rename_all = "snake_case")]
            pub struct Post { pub id: i64, pub deleted_at: Option<DateTime<Utc>> }
        });
        assert!(cases.contains("different cases"), "{cases}");
        assert_eq!(
            cases.lines().count(),
            1,
            "one error, not one per field: {cases}"
        );
        let keys = error(&parse_quote! {
            pub struct Post {
                #[sea_orm(primary_key)]
                pub tenant: i64,
                #[sea_orm(primary_key)]
                pub id: i64,
                pub deleted_at: Option<DateTime<Utc>>,
            }
        });
        assert!(
            keys.contains("a second primary key") && keys.contains("#[sea_orm(primary_key)]"),
            "{keys}"
        );
    }

    #[test]
    fn ignored_marker_or_key_is_the_skip_error() {
        let marker = error(&parse_quote! {
            pub struct Post { pub id: i64, #[sea_orm(ignore)] pub deleted_at: Option<DateTime<Utc>> }
        });
        assert!(
            marker.contains("the marker column `deleted_at` cannot be skipped: remove `ignore`"),
            "{marker}"
        );
        let key = error(&parse_quote! {
            pub struct Post { #[sqlx(skip)] pub id: i64, pub deleted_at: Option<DateTime<Utc>> }
        });
        assert!(
            key.contains("the field `id` is skipped; remove its `skip`"),
            "{key}"
        );
    }

    #[test]
    fn unique_keys_take_the_columns_sql_names() {
        let input: DeriveInput = parse_quote! {
            #[sea_orm(table_name = "users", rename_all = "camelCase")]
            #[soft_delete(unique(tenant_id, email), unique(r#type))]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i64,
                pub tenant_id: i64,
                #[sea_orm(column_name = "E_MAIL")]
                pub email: String,
                pub r#type: String,
                #[soft_delete(rename = "deletedAt")]
                pub deleted_at: Option<DateTime<Utc>>,
            }
        };
        let mut cx = Ctxt::default();
        let ast = Input::from_syn(&mut cx, &input).unwrap_or_else(|_| panic!("a struct"));
        let model = check(&mut cx, &ast).expect("a valid model");
        let keys: Vec<Vec<&str>> = model
            .unique
            .iter()
            .map(|fields| fields.iter().map(|field| field.sql_name.as_str()).collect())
            .collect();
        assert_eq!(keys, [vec!["tenantId", "E_MAIL"], vec!["type"]]);
    }

    #[test]
    fn unreadable_foreign_attributes_are_left_to_their_derive() {
        // Not our syntax to judge: no error here, SeaORM and sqlx report it.
        let (_, columns, _) = ok(&parse_quote! {
            #[sea_orm]
            #[sea_orm = "x"]
            #[sea_orm(table_name = 5, 7 = 8)]
            pub struct Post {
                pub id: i64,
                #[sqlx(rename)]
                #[sea_orm(column_name = some::path, ignore = "maybe")]
                pub body: String,
                pub deleted_at: Option<DateTime<Utc>>,
            }
        });
        assert_eq!(columns, ["id", "body", "deleted_at"]);
    }
}
