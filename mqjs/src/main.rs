//! `mqjs`: MicroQuickJS's own command-line tool (`-e`, `-o`, `-m32`, `-b`,
//! `--memory-limit`, `-d`, the REPL) with the example Rust module's
//! functions and classes as globals.

#[cfg(unix)]
fn main() {
    std::process::exit(mqjs::run(std::env::args_os()));
}

#[cfg(not(unix))]
fn main() {
    eprintln!("mqjs: built for POSIX hosts only");
    std::process::exit(2);
}
