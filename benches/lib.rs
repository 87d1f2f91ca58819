//! What soft-delete's benchmarks share; the benchmarks themselves are this
//! package's `[[bench]]` targets (`cargo bench -p soft-delete-benches`).
