//! The dependency line the README shows is the one `tests/dependency-line`
//! builds with (the same package and library names; the path differs only
//! in where the checkout is).

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The `quickjs = { ... }` line of a text, with its `path` value dropped.
fn dependency_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.starts_with("quickjs = {"))
        .unwrap_or_else(|| panic!("no `quickjs = {{ ... }}` line in:\n{text}"));
    let at = line.find("path = ").expect("a path dependency");
    line[..at].to_string()
}

#[test]
fn the_readme_shows_the_dependency_line_a_test_crate_builds_with() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let manifest =
        std::fs::read_to_string(root().join("tests/dependency-line/Cargo.toml")).unwrap();
    assert_eq!(dependency_line(&readme), dependency_line(&manifest));
    assert_eq!(
        dependency_line(&manifest),
        "quickjs = { package = \"quickjs-rust\", "
    );
}
