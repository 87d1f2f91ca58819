//! Compile errors of `#[derive(SoftDelete)]`: one case per problem in
//! `tests/ui/`, each with the exact diagnostic the user sees.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
