//! `#[js]` functions called from JS: conversions, arity and type errors,
//! Result errors, panics at the boundary.

mod support;
use support::Js;

fn run(body: &str) -> Result<String, String> {
    Js::new().module(&format!("import * as t from 'test';\n{body}"))
}

fn error_of(call: &str) -> String {
    run(&format!("try {{ {call}; globalThis.out = 'no error' }} catch (e) {{ globalThis.out = `${{e.name}}: ${{e.message}}` }}")).unwrap()
}

#[test]
fn numbers_strings_and_booleans_convert_both_ways() {
    let out = run("globalThis.out = [t.add(2, 3), t.add(-1, 2.0), t.big(2 ** 40), t.half(3), t.not(false), t.greet('wörld'), t.byte(255), t.nothing(), t.renamed()].join('|')");
    assert_eq!(
        out.unwrap(),
        "5|1|1099511627776|1.5|true|hello, wörld|255||renamed ok"
    );
}

#[test]
fn missing_arguments_are_type_errors_and_extra_ones_are_ignored() {
    assert_eq!(
        error_of("t.add(1)"),
        "TypeError: add: expected 2 arguments, got 1"
    );
    // Like every JS function: callbacks get extra arguments all the time.
    assert_eq!(
        run("globalThis.out = [t.add(1, 2, 3), t.nothing(1), [1, 2, 3].map(t.half).join()].join('|')").unwrap(),
        "3||0.5,1,1.5"
    );
    // `#[js(strict)]` rejects them.
    assert_eq!(
        error_of("t.exact(1, 2, 3)"),
        "TypeError: exact: expected 2 arguments, got 3"
    );
    assert_eq!(run("globalThis.out = t.exact(1, 2)").unwrap(), "3");
}

#[test]
fn wrong_types_name_function_position_and_expectation() {
    assert_eq!(
        error_of("t.add(1, '2')"),
        "TypeError: add: argument 2: expected number, got string"
    );
    assert_eq!(
        error_of("t.add(null, 2)"),
        "TypeError: add: argument 1: expected number, got null"
    );
    assert_eq!(
        error_of("t.greet(42)"),
        "TypeError: greet: argument 1: expected string, got number"
    );
    assert_eq!(
        error_of("t.not(1)"),
        "TypeError: not: argument 1: expected boolean, got number"
    );
    assert_eq!(
        error_of("t.half({})"),
        "TypeError: half: argument 1: expected number, got object"
    );
    assert_eq!(
        error_of("t.half([])"),
        "TypeError: half: argument 1: expected number, got array"
    );
    assert_eq!(
        error_of("t.half(() => 1)"),
        "TypeError: half: argument 1: expected number, got function"
    );
    assert_eq!(
        error_of("t.half(1n)"),
        "TypeError: half: argument 1: expected number, got bigint"
    );
}

#[test]
fn integers_are_range_checked_never_wrapped() {
    assert_eq!(
        error_of("t.byte(256)"),
        "RangeError: byte: argument 1: expected u8 (0..=255), got 256"
    );
    assert_eq!(
        error_of("t.byte(-1)"),
        "RangeError: byte: argument 1: expected u8 (0..=255), got -1"
    );
    assert_eq!(
        error_of("t.add(2 ** 31, 0)"),
        "RangeError: add: argument 1: expected i32 (-2147483648..=2147483647), got 2147483648"
    );
    assert_eq!(error_of("t.big(2 ** 63)"), "RangeError: big: argument 1: expected i64 (-9223372036854775808..=9223372036854775807), got 9223372036854776000");
    assert_eq!(
        error_of("t.add(1.5, 0)"),
        "TypeError: add: argument 1: expected an integer, got 1.5"
    );
    assert_eq!(
        error_of("t.add(NaN, 0)"),
        "TypeError: add: argument 1: expected an integer, got NaN"
    );
    // Numbers read as JS writes them.
    assert_eq!(
        error_of("t.add(-Infinity, 0)"),
        "TypeError: add: argument 1: expected an integer, got -Infinity"
    );
    assert_eq!(
        error_of("t.byte(1e21)"),
        "RangeError: byte: argument 1: expected u8 (0..=255), got 1e+21"
    );
    assert_eq!(
        run("globalThis.out = t.big(-(2 ** 63))").unwrap(),
        "-9223372036854776000"
    );
}

#[test]
fn wide_integers_take_bigints_and_never_round_silently() {
    // 64- and 128-bit parameters take a bigint too, range-checked exactly.
    assert_eq!(
        run("globalThis.out = [t.big(2n ** 62n) === 2 ** 62, t.big(-5n), t.huge(2n ** 60n) === 2 ** 60, t.wide(-(2n ** 100n)) === -(2 ** 100)].join('|')").unwrap(),
        "true|-5|true|true"
    );
    assert_eq!(
        error_of("t.big(2n ** 63n)"),
        "RangeError: big: argument 1: expected i64 (-9223372036854775808..=9223372036854775807), got 9223372036854775808n"
    );
    assert_eq!(
        error_of("t.byte(1n)"),
        "TypeError: byte: argument 1: expected number, got bigint"
    );
    // A result no JS number holds exactly is an error, not a rounded number.
    assert_eq!(
        error_of("t.huge(2n ** 64n - 1n)"),
        "RangeError: u64 18446744073709551615 has no exact JS number (beyond 2^53): return quickjs::BigInt for a bigint"
    );
    assert_eq!(
        error_of("t.huge(2n ** 53n + 1n)"),
        "RangeError: u64 9007199254740993 has no exact JS number (beyond 2^53): return quickjs::BigInt for a bigint"
    );
}

#[test]
fn trailing_option_parameters_are_optional_and_length_counts_required_ones() {
    let out = run("globalThis.out = [t.opt(1), t.opt(1, 2), t.opt(1, undefined), t.opt(1, null), t.opt.length, t.add.length, t.opt.name].join('|')");
    assert_eq!(out.unwrap(), "101|3|101|101|1|2|opt");
    assert_eq!(
        error_of("t.opt()"),
        "TypeError: opt: expected 1 to 2 arguments, got 0"
    );
}

#[test]
fn result_errors_become_js_errors_of_their_kind() {
    assert_eq!(error_of("t.checked(-2)"), "Error: negative: -2");
    assert_eq!(error_of("t.range(11)"), "RangeError: too big");
    assert_eq!(run("globalThis.out = t.checked(7)").unwrap(), "7");
}

#[test]
fn errors_carry_the_native_frame_in_their_stack() {
    let out = run("try { t.add() } catch (e) { globalThis.out = e.stack }").unwrap();
    assert!(out.contains("at add (native)"), "{out}");
    let out =
        run("try { t.add(1, 'x') } catch (e) { globalThis.out = e instanceof TypeError }").unwrap();
    assert_eq!(out, "true");
}

#[test]
fn a_panic_ends_the_script_and_the_runtime_stays_usable() {
    let js = Js::new();
    // Like an interrupt: no catch or finally runs on after it.
    let out = js.module("import * as t from 'test'; globalThis.out = 'before'; try { t.boom('kaboom') } catch (e) { globalThis.out = 'caught' } finally { globalThis.out += ' and finally' }");
    let e = out.unwrap_err();
    assert!(e.contains("InternalError: boom: Rust panic: kaboom"), "{e}");
    assert_eq!(js.global("out"), "before");
    let out = js.module("import * as t from 'test'; globalThis.out = t.add(40, 2)");
    assert_eq!(out.unwrap(), "42");
}

#[test]
fn strings_with_nul_lone_surrogates_and_non_ascii() {
    assert_eq!(
        run("globalThis.out = t.greet('a\\0b').length").unwrap(),
        "10"
    );
    assert_eq!(run("globalThis.out = t.greet('😀')").unwrap(), "hello, 😀");
    // A lone surrogate has no UTF-8 form: the call is refused with a
    // TypeError naming the argument (never a U+FFFD-substituted &str, which
    // would silently differ from what the script passed).
    let out = run(
        "try { globalThis.out = t.greet('a\\uD800') } catch (e) { globalThis.out = `${e.name}: ${e.message}` }",
    )
    .unwrap();
    assert_eq!(
        out,
        "TypeError: greet: argument 1: expected a string of valid Unicode, got invalid UTF-16"
    );
}

#[test]
fn a_thrown_getter_during_conversion_is_not_reached_for_primitives() {
    // Conversions never coerce objects (no valueOf/toString calls), so user
    // code cannot run in the middle of argument conversion.
    let out = run("let called = false; const o = { valueOf() { called = true; return 1 } }; try { t.add(o, 1) } catch (e) {} globalThis.out = called").unwrap();
    assert_eq!(out, "false");
}
