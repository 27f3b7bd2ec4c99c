//! CLI snapshot cases: `tests/cmd/<case>.toml` (arguments, stdin, exit code) with the expected
//! `<case>.stdout`/`<case>.stderr` beside it and `<case>.in/` as the working directory.
//! `TRYCMD=overwrite cargo test -p unspin-cli --test cli` refreshes the expected files.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
