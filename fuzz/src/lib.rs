//! What the fuzz targets share: a sandboxed runtime (memory, stack and
//! interrupt limits, the interrupt counted in polls so runs are
//! reproducible), a native module with one function per parameter kind,
//! and a generator that turns fuzz bytes into a JS expression built from
//! the constructs hostile values are made of.

use quickjs::Rest;
use quickjs::{js, Context, Function, Runtime, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

#[js]
pub fn int(x: i32) -> i32 {
    x
}
#[js]
pub fn uint(x: u64) -> u64 {
    x
}
#[js]
pub fn float(x: f64) -> f64 {
    x
}
#[js]
pub fn flag(b: bool) -> bool {
    b
}
#[js]
pub fn text(s: &str) -> usize {
    s.len()
}
#[js]
pub fn owned(s: String) -> String {
    s
}
#[js]
pub fn letter(c: char) -> char {
    c
}
#[js]
pub fn maybe(x: Option<i32>) -> Option<i32> {
    x
}
#[js]
pub fn list(v: Vec<f64>) -> usize {
    v.len()
}
#[js]
pub fn values(v: Vec<Value<'_>>) -> usize {
    v.len()
}
#[js]
pub fn map(m: HashMap<String, Vec<i32>>) -> usize {
    m.len()
}
#[js]
pub fn tree(m: BTreeMap<String, String>) -> usize {
    m.len()
}
#[js]
pub fn pair(p: (i32, String)) -> i32 {
    p.0
}
#[js]
pub fn bytes(b: &[u8]) -> usize {
    b.len()
}
#[js]
pub fn rest(r: Rest<u8>) -> usize {
    r.0.len()
}
#[js]
pub fn call(f: Function<'_>) -> quickjs::Result<Value<'_>> {
    f.call(())
}
#[js]
pub fn json(v: Value<'_>) -> quickjs::Result<String> {
    let j: serde_json::Value = quickjs::serde::from_value(&v)?;
    Ok(j.to_string())
}
#[js]
pub async fn later(ms: u32) -> u32 {
    quickjs::sleep(std::time::Duration::from_millis(ms.min(5) as u64)).await;
    ms
}

quickjs::module!(pub static FUZZ = "m" {
    int, uint, float, flag, text, owned, letter, maybe, list, values, map, tree,
    pair, bytes, rest, call, json, later
});

/// The names of `FUZZ`'s functions, for scripts that call them all.
pub const FUNCTIONS: &[&str] = &[
    "int", "uint", "float", "flag", "text", "owned", "letter", "maybe", "list", "values", "map",
    "tree", "pair", "bytes", "rest", "call", "json", "later",
];

/// A runtime like the sandbox recipe's: 32 MiB heap, 256 KiB stack, and
/// an interrupt after `polls` handler calls or 3 s (a deadline, as a real
/// sandbox has: a hang past it is a finding). The runtime paces its handler
/// (about every millisecond of script time), so how far a script gets
/// before `polls` calls depends on its speed: targets treat an interrupt as
/// a right answer wherever it lands.
pub fn sandbox(polls: u32) -> (Runtime, Context) {
    let rt = Runtime::new().unwrap();
    rt.set_memory_limit(Some(32 << 20));
    rt.set_max_stack_size(Some(256 << 10));
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| FUZZ.add_to(ctx)).unwrap();
    ctx.with(|ctx| {
        // The module's functions as globals too, for scripts.
        let _: Value = ctx
            .eval_with(
                "import * as m from 'm'; Object.assign(globalThis, m)",
                "setup.js",
                quickjs::EvalKind::Module,
            )
            .unwrap();
    });
    // The handler goes in once the setup is done: the setup is not what is
    // fuzzed (with `polls` near 0, or on a loaded machine, it was
    // interrupted itself: a harness failure, found by a 30-minute run).
    let count = Arc::new(AtomicU32::new(0));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    rt.set_interrupt_handler(Some(Box::new(move || {
        count.fetch_add(1, Ordering::Relaxed) > polls || std::time::Instant::now() > deadline
    })));
    (rt, ctx)
}

/// The runtime still works after whatever ran: the property every target checks.
pub fn assert_healthy(rt: &Runtime, ctx: &Context) {
    rt.set_interrupt_handler(None);
    rt.set_memory_limit(None);
    rt.run_gc();
    let two: i32 = ctx.with(|ctx| ctx.eval("1 + 1")).expect("runtime unusable");
    assert_eq!(two, 2);
}

/// Turns fuzz bytes into a JS expression: each byte picks a construct,
/// later bytes fill it in (numbers at the edges of every range, strings
/// with NULs and lone surrogates, nested arrays and objects, cycles,
/// sparse arrays with huge lengths, throwing getters and Proxy traps,
/// typed arrays and detached buffers, BigInts, Symbols, Maps, Dates).
pub struct Gen<'a> {
    bytes: &'a [u8],
    depth: u32,
}

impl<'a> Gen<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Gen { bytes, depth: 0 }
    }

    fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&b, rest)) => {
                self.bytes = rest;
                b
            }
            None => 0,
        }
    }

    /// One expression.
    pub fn expr(&mut self) -> String {
        self.depth += 1;
        let e = if self.depth > 12 { self.leaf() } else { self.node() };
        self.depth -= 1;
        e
    }

    fn leaf(&mut self) -> String {
        const NUMBERS: &[&str] = &[
            "0", "-0", "1", "-1", "255", "256", "-129", "2147483647", "2147483648", "-2147483649",
            "4294967295", "4294967296", "2**53", "2**53 + 2", "-(2**53)", "2**64", "1.5", "-1e-300",
            "NaN", "Infinity", "-Infinity", "Number.MAX_VALUE", "Number.MIN_VALUE", "1e21",
        ];
        const STRINGS: &[&str] = &[
            "''", "'a'", "'\\0'", "'\\ud800'", "'\\udc00x'", "'\\u00e9'", "'😀'", "'x'.repeat(100000)",
            "'123'", "'-5'", "'1e3'", "'__proto__'", "'constructor'", "String.fromCharCode(0xdfff, 0xd800)",
        ];
        const OTHERS: &[&str] = &[
            "undefined", "null", "true", "false", "10n", "-(2n**64n)", "2n**200n", "Symbol('s')",
            "Symbol.iterator", "() => 1", "function f() { return f() }", "new Date(0)", "new Map([[1, 2]])",
            "new Set([1])", "new Error('e')", "Object.create(null)", "new ArrayBuffer(8)",
            "new Uint8Array([1, 2, 3])", "new Float64Array(2)", "new DataView(new ArrayBuffer(4))",
            "(() => { const b = new ArrayBuffer(8); b.transfer(); return new Uint8Array(b) })()",
            "new Array(2**32 - 1)", "new Array(100000)", "{ length: 2**31 }", "{ length: -1 }",
            "globalThis", "Promise.resolve(1)", "new Proxy({}, {})", "/re/g", "Math",
            "new Proxy([], { get() { throw new Error('trap') } })",
            "new Proxy({}, { ownKeys() { throw 1 } })", "new Proxy({}, { ownKeys() { return ['a', 'a'] } })",
            "{ get a() { throw new Error('getter') } }", "{ get length() { throw 2 } }",
            "(() => { const o = {}; o.o = o; return o })()", "(() => { const a = []; a.push(a); return a })()",
            "(() => { let o = {}; for (let i = 0; i < 1000; i++) o = { a: o }; return o })()",
            "JSON.parse('[[[[[[[[[[1]]]]]]]]]]')", "{ valueOf() { throw 3 }, toString() { throw 4 } }",
            "{ [Symbol.toPrimitive]() { return call(() => 1) } }",
        ];
        let b = self.byte() as usize;
        match b % 3 {
            0 => NUMBERS[(b / 3) % NUMBERS.len()].to_owned(),
            1 => STRINGS[(b / 3) % STRINGS.len()].to_owned(),
            _ => OTHERS[(b / 3) % OTHERS.len()].to_owned(),
        }
    }

    fn node(&mut self) -> String {
        match self.byte() % 8 {
            0..=3 => self.leaf(),
            4 => {
                let n = self.byte() % 5;
                let items: Vec<String> = (0..n).map(|_| self.expr()).collect();
                format!("[{}]", items.join(", "))
            }
            5 => {
                let n = self.byte() % 4;
                let fields: Vec<String> = (0..n)
                    .map(|i| {
                        let k = ["a", "'0'", "'-1'", "'é'", "'4294967295'"][(self.byte() % 5) as usize];
                        let k = if i > 0 && k == "a" { "b" } else { k };
                        format!("[{k}]: {}", self.expr())
                    })
                    .collect();
                format!("({{ {} }})", fields.join(", "))
            }
            6 => {
                // A value whose reads run JS (getters that call back into Rust).
                let f = FUNCTIONS[(self.byte() as usize) % FUNCTIONS.len()];
                format!("{{ get x() {{ return {f}({}) }}, length: 1, get 0() {{ return {f}({}) }} }}", self.expr(), self.expr())
            }
            _ => {
                let f = FUNCTIONS[(self.byte() as usize) % FUNCTIONS.len()];
                format!("(() => {{ try {{ return {f}({}) }} catch (e) {{ return e }} }})()", self.expr())
            }
        }
    }
}
