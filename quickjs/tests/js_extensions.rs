//! `#[js]` beyond plain functions: context, `this` and rest parameters,
//! error kinds, classes (constructor, methods, accessors, statics,
//! instanceof, toStringTag, borrow rules, async methods, instances made in
//! Rust, class references as parameters), modules with classes and
//! constants, and the generated TypeScript declarations.

use quickjs::{js, AsyncCtx, Context, Ctx, Error, EvalKind, Function, Runtime, Value};
use quickjs::{Rest, This};
use std::time::Duration;

#[js]
pub fn sum(first: f64, rest: Rest<f64>) -> f64 {
    first + rest.0.iter().sum::<f64>()
}

#[js]
pub fn this_type(this: This<Value>, prefix: String) -> String {
    format!("{prefix}{}", this.0.type_name())
}

/// Calls back into JS through the context.
#[js]
pub fn apply_twice(ctx: Ctx, f: Function, x: i32) -> quickjs::Result<i32> {
    let _ = ctx;
    let once: i32 = f.call((x,))?;
    f.call((once,))
}

#[js]
pub fn fail(kind: String) -> quickjs::Result<()> {
    Err(match kind.as_str() {
        "type" => Error::type_error("bad type"),
        "range" => Error::range_error("out of range"),
        "syntax" => Error::syntax_error("bad syntax"),
        "reference" => Error::reference_error("no such thing"),
        _ => Error::message("plain"),
    })
}

/// After an await, calls a JS callback through its AsyncCtx.
#[js]
pub async fn notify_later(actx: AsyncCtx, ms: u64, name: String) -> quickjs::Result<String> {
    quickjs::sleep(Duration::from_millis(ms)).await;
    actx.with(|ctx| {
        let cb: Function = ctx.globals().get("callback")?;
        cb.call::<_, String>((name,))
    })?
}

/// Bytes borrowed from the JS buffer (no copy).
/// Counts words into a JS `Map`.
#[js]
pub fn tally(words: Vec<String>) -> quickjs::JsMap<std::collections::BTreeMap<String, u32>> {
    let mut counts = std::collections::BTreeMap::new();
    for w in words {
        *counts.entry(w).or_insert(0) += 1;
    }
    quickjs::JsMap(counts)
}

/// Dates in and out.
#[js]
pub fn next_day(t: std::time::SystemTime) -> std::time::SystemTime {
    t + Duration::from_secs(86_400)
}

/// Fails after an await (its promise is rejected from the job loop).
#[js]
pub async fn fail_later(ms: u64) -> Result<(), String> {
    quickjs::sleep(Duration::from_millis(ms)).await;
    Err("failed later".into())
}

#[js]
pub fn checksum(data: &[u8], seed: Option<u32>) -> u32 {
    data.iter().fold(seed.unwrap_or(0), |s, &b| s + b as u32)
}

#[js]
pub fn total_len(a: &[u8], b: &[u8]) -> usize {
    a.len() + b.len()
}

#[js]
#[derive(Clone, Debug)]
pub struct Counter {
    count: i64,
    step: i64,
}

#[js]
impl Counter {
    #[js(constructor)]
    pub fn new(start: Option<i64>) -> Self {
        Counter {
            count: start.unwrap_or(0),
            step: 1,
        }
    }
    pub fn increment(&mut self, by: Option<i64>) -> i64 {
        self.count += by.unwrap_or(self.step);
        self.count
    }
    /// Calls `f` while `self` is borrowed mutably: `f` re-entering the
    /// object must fail cleanly.
    pub fn increment_with(&mut self, f: Function) -> quickjs::Result<i64> {
        self.count += 1;
        let extra: i64 = f.call(())?;
        self.count += extra;
        Ok(self.count)
    }
    pub fn increment_many(&mut self, steps: Vec<i64>) -> i64 {
        self.count += steps.iter().sum::<i64>();
        self.count
    }
    #[js(get)]
    pub fn count(&self) -> i64 {
        self.count
    }
    #[js(set)]
    pub fn set_count(&mut self, value: i64) {
        self.count = value;
    }
    #[js(get)]
    pub fn step(&self) -> i64 {
        self.step
    }
    pub fn zero() -> Counter {
        Counter::new(None)
    }
    pub fn add(a: &Counter, b: &Counter) -> Counter {
        Counter {
            count: a.count + b.count,
            step: a.step,
        }
    }
    pub fn absorb(&mut self, other: &mut Counter) {
        self.count += other.count;
        other.count = 0;
    }
    pub async fn later(&self, ms: u64) -> i64 {
        quickjs::sleep(Duration::from_millis(ms)).await;
        self.count
    }
    /// Not exported: not `pub`.
    fn helper(&self) -> i64 {
        self.count
    }
    #[js(skip)]
    pub fn rust_only(&self) -> i64 {
        self.helper()
    }
}

#[js(name = "Temperature")]
pub struct Celsius(f64);

#[js]
impl Celsius {
    #[js(constructor)]
    pub fn new(degrees: f64) -> Result<Self, String> {
        if degrees < -273.15 {
            Err(format!("{degrees} is below absolute zero"))
        } else {
            Ok(Celsius(degrees))
        }
    }
    #[js(get, name = "fahrenheit")]
    pub fn to_fahrenheit(&self) -> f64 {
        self.0 * 9.0 / 5.0 + 32.0
    }
}

/// A class without a constructor: instances come from Rust only.
#[js]
pub struct Token {
    id: u32,
}

#[js]
impl Token {
    #[js(get)]
    pub fn id(&self) -> u32 {
        self.id
    }
}

#[js]
pub fn make_token(id: u32) -> Token {
    Token { id }
}

#[js]
pub struct Animal {
    name: String,
    sound: String,
}

#[js]
impl Animal {
    #[js(constructor)]
    pub fn new(name: String) -> Self {
        Animal {
            name,
            sound: "...".into(),
        }
    }
    pub fn speak(&self) -> String {
        format!("{} says {}", self.name, self.sound)
    }
    pub fn rename(&mut self, name: String) {
        self.name = name;
    }
    /// Calls `f` with `self` borrowed mutably.
    pub fn rename_with(&mut self, f: Function) -> quickjs::Result<()> {
        self.name = f.call(())?;
        Ok(())
    }
    #[js(get)]
    pub fn name(&self) -> String {
        self.name.clone()
    }
    pub fn kingdom() -> &'static str {
        "animalia"
    }
}

#[js(extends = Animal)]
pub struct Dog {
    #[js(base)]
    animal: Animal,
    tricks: u32,
}

#[js]
impl Dog {
    #[js(constructor)]
    pub fn new(name: String, tricks: Option<u32>) -> Self {
        Dog {
            animal: Animal {
                name,
                sound: "woof".into(),
            },
            tricks: tricks.unwrap_or(0),
        }
    }
    pub fn tricks(&self) -> u32 {
        self.tricks
    }
}

#[js(extends = Dog)]
pub struct Puppy(#[js(base)] Dog);

#[js]
impl Puppy {
    #[js(constructor)]
    pub fn new(name: String) -> Self {
        Puppy(Dog::new(name, Some(1)))
    }
}

#[js]
pub fn introduce(a: &Animal) -> String {
    format!("this is {}", a.name)
}

quickjs::module!(pub static EXT = "ext" {
    sum, this_type, apply_twice, fail, notify_later, fail_later, tally, next_day, make_token, checksum, total_len, introduce
} classes { Counter, Celsius, Token, Animal, Dog, Puppy } consts {
    VERSION: &str = "1.2.3",
    LIMIT: u32 = 100,
});

/// Adds `module` to `ctx` and evaluates `src` as an ES module there.
fn eval_module(ctx: &Context, module: &'static quickjs::NativeModule, src: &str) {
    ctx.with(|ctx| {
        module.add_to(ctx).unwrap();
        let _: Value = ctx.eval_with(src, "main.js", EvalKind::Module).unwrap();
    });
}

/// Evaluates `src` as a module importing everything of 'ext' as `m`, runs
/// the jobs, and returns `globalThis.out` as a string.
fn run(src: &str) -> String {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    eval_module(&ctx, &EXT, &format!("import * as m from 'ext';\n{src}"));
    rt.run_until_idle().unwrap();
    ctx.with(|ctx| ctx.eval::<String>("String(globalThis.out)").unwrap())
}

fn error_of(expr: &str) -> String {
    run(&format!(
        "try {{ {expr}; globalThis.out = 'no error' }} catch (e) {{ globalThis.out = `${{e.name}}: ${{e.message}}` }}"
    ))
}

#[test]
fn rest_parameters_take_the_remaining_arguments() {
    assert_eq!(
        run("globalThis.out = [m.sum(1), m.sum(1, 2, 3.5), m.sum.length]"),
        "1,6.5,1"
    );
    assert_eq!(
        error_of("m.sum()"),
        "TypeError: sum: expected at least 1 argument, got 0"
    );
    assert_eq!(
        error_of("m.sum(1, 2, 'x')"),
        "TypeError: sum: argument 3: expected number, got string"
    );
}

#[test]
fn byte_slices_are_borrowed_from_buffers_and_views() {
    assert_eq!(
        run("const buf = new Uint8Array([1, 2, 3, 4, 5, 6]).buffer;
             globalThis.out = [
               m.checksum(new Uint8Array([1, 2, 3])), m.checksum(buf, 100),
               m.checksum(new Uint8Array(buf, 2, 3)), m.checksum(new DataView(buf, 4)),
               m.checksum(new Uint16Array([257])), m.checksum(new Uint8Array(0)),
               m.total_len(buf, new Uint8Array(buf, 1, 2)), m.checksum.length]"),
        "6,121,12,11,2,0,8,1"
    );
    assert_eq!(
        error_of("m.checksum([1, 2])"),
        "TypeError: checksum: argument 1: expected ArrayBuffer or typed array, got array"
    );
    // A later argument's conversion runs JS that detaches the first buffer
    // (a DataView's range is read through its getters; a typed array's
    // comes from the engine and runs no JS): the call sees it detached (a
    // TypeError), never freed memory.
    assert_eq!(
        error_of(
            "const a = new Uint8Array(8);
                  class Evil extends DataView { get byteLength() { a.buffer.transfer(); return 1 } }
                  m.total_len(a, new Evil(new ArrayBuffer(1)))"
        ),
        "TypeError: total_len: argument 1: expected bytes, got a detached or out-of-bounds buffer"
    );
}

#[test]
fn no_js_runs_while_bytes_are_borrowed() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    {
        let _guard = quickjs::NoJsGuard::enter();
        assert!(rt.run_pending_jobs().is_err());
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ctx.with(|_| ())));
        assert!(r.is_err());
    }
    assert_eq!(ctx.with(|ctx| ctx.eval::<i32>("1 + 1").unwrap()), 2);
}

#[test]
fn this_and_the_context_reach_rust() {
    assert_eq!(
        run("globalThis.out = [m.this_type.call([], 'a:'), m.this_type.call(null, 'n:'), m.this_type.length]"),
        "a:array,n:null,1"
    );
    assert_eq!(run("globalThis.out = m.apply_twice(x => x * 3, 2)"), "18");
    assert_eq!(
        error_of("m.apply_twice(() => { throw new RangeError('inner') }, 1)"),
        "RangeError: inner"
    );
}

#[test]
fn a_js_exception_passing_through_rust_is_the_same_value() {
    // `?` on a JS call returns the exception to JS unchanged: the same
    // object (identity, class, own properties), or a thrown non-Error.
    assert_eq!(
        run("class MyError extends Error { constructor() { super('mine'); this.code = 7 } }
             const thrown = new MyError();
             try { m.apply_twice(() => { throw thrown }, 1) }
             catch (e) { globalThis.out = [e === thrown, e instanceof MyError, e.code, e.stack.includes('at apply_twice (native)')] }"),
        "true,true,7,false"
    );
    assert_eq!(
        run("try { m.apply_twice(() => { throw { code: 7 } }, 1) } catch (e) { globalThis.out = [typeof e, e.code] }"),
        "object,7"
    );
    assert_eq!(
        run("try { m.apply_twice(() => { throw 'plain' }, 1) } catch (e) { globalThis.out = [typeof e, e] }"),
        "string,plain"
    );
    assert_eq!(
        run("try { m.apply_twice(() => { throw undefined }, 1) } catch (e) { globalThis.out = e === undefined }"),
        "true"
    );
    // Through a method too, and through an async function's rejection.
    assert_eq!(
        run("const c = new m.Counter(1); const thrown = new TypeError('t');
             try { c.increment_with(() => { throw thrown }) } catch (e) { globalThis.out = e === thrown }"),
        "true"
    );
    assert_eq!(
        run(
            "const thrown = new RangeError('later'); globalThis.callback = () => { throw thrown };
             m.notify_later(1, 'x').catch(e => globalThis.out = e === thrown)"
        ),
        "true"
    );
}

#[test]
fn rejections_show_the_native_frame_and_on_request_the_js_caller() {
    let src = "function load() { return m.fail_later(1) }
               load().catch(e => globalThis.out = `${e.message}|${e.stack}`)";
    // By default the native frame (the error is made on the job loop).
    assert_eq!(run(src), "failed later|    at fail_later (native)\n");
    // A bad argument rejects at the call: the stack is the call's.
    let out = run("function load() { return m.fail_later('x') }
                   load().catch(e => globalThis.out = e.stack)");
    assert!(
        out.starts_with("    at fail_later (native)\n    at load (main.js:2"),
        "{out}"
    );
    // With the call's stack kept, the JS caller too.
    let rt = Runtime::new().unwrap();
    rt.set_async_stack_traces(true);
    let ctx = Context::full(&rt).unwrap();
    eval_module(&ctx, &EXT, &format!("import * as m from 'ext';\n{src}"));
    rt.run_until_idle().unwrap();
    let out = ctx.with(|ctx| ctx.eval::<String>("globalThis.out").unwrap());
    assert!(
        out.starts_with("failed later|    at fail_later (native)\n    at load (main.js:2"),
        "{out}"
    );
    // A JS exception passing through keeps its own stack.
    let out = run("function cb() { throw new Error('js') }
                   globalThis.callback = cb; m.notify_later(1, 'x').catch(e => globalThis.out = e.stack)");
    assert!(out.starts_with("    at cb (main.js:2"), "{out}");
}

#[test]
fn maps_and_dates_cross_native_calls_and_classes_survive_a_replaced_symbol() {
    assert_eq!(
        run("const t = m.tally(['a', 'b', 'a']);
             globalThis.out = [t instanceof Map, t.get('a'), t.get('b'), m.next_day(new Date(0)).toISOString()]"),
        "true,2,1,1970-01-02T00:00:00.000Z"
    );
    assert_eq!(
        error_of("m.next_day(0)"),
        "TypeError: next_day: argument 1: expected Date, got number"
    );
    // Classes are set up with the engine's Symbol.toStringTag even if a
    // script replaced Symbol before the module was added.
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        ctx.eval::<()>("globalThis.Symbol = { toStringTag: 'x' }")
            .unwrap()
    });
    eval_module(
        &ctx,
        &EXT,
        "import * as m from 'ext'; globalThis.out = String(new m.Counter(1))",
    );
    assert_eq!(
        ctx.with(|ctx| ctx.eval::<String>("out").unwrap()),
        "[object Counter]"
    );
}

#[test]
fn errors_choose_their_js_error_type() {
    assert_eq!(error_of("m.fail('type')"), "TypeError: bad type");
    assert_eq!(error_of("m.fail('range')"), "RangeError: out of range");
    assert_eq!(error_of("m.fail('syntax')"), "SyntaxError: bad syntax");
    assert_eq!(
        error_of("m.fail('reference')"),
        "ReferenceError: no such thing"
    );
    assert_eq!(error_of("m.fail('')"), "Error: plain");
    assert_eq!(
        run("try { m.fail('type') } catch (e) { globalThis.out = e instanceof TypeError && e.stack.includes('at fail (native)') }"),
        "true"
    );
}

#[test]
fn async_functions_use_the_context_after_an_await() {
    assert_eq!(
        run("globalThis.callback = n => 'hi ' + n; m.notify_later(5, 'ann').then(v => globalThis.out = v)"),
        "hi ann"
    );
}

#[test]
fn a_class_has_a_constructor_methods_accessors_and_statics() {
    let out = run(
        "const c = new m.Counter(5);
         const r = [c.increment(), c.increment(10), c.count, c.step];
         c.count = 100;
         r.push(c.count, m.Counter.zero().count, m.Counter.add(c, new m.Counter(1)).count);
         r.push(c instanceof m.Counter, Object.prototype.toString.call(c), m.Counter.name, m.Counter.length);
         r.push(typeof c.helper, typeof c.rust_only, Object.keys(c).length);
         globalThis.out = r.join('|')",
    );
    assert_eq!(
        out,
        "6|16|16|1|100|0|101|true|[object Counter]|Counter|0|undefined|undefined|0"
    );
}

#[test]
fn classes_check_their_receiver_and_arguments() {
    assert_eq!(
        error_of("m.Counter()"),
        "TypeError: must be called with new"
    );
    assert_eq!(
        error_of("m.Counter.prototype.increment.call({}, 1)"),
        "TypeError: Counter.increment: this: expected Counter, got object"
    );
    assert_eq!(
        error_of("new m.Counter('x')"),
        "TypeError: Counter.Counter: argument 1: expected number, got string"
    );
    assert_eq!(
        error_of("m.Counter.add(new m.Counter(), {})"),
        "TypeError: Counter.add: argument 2: expected Counter, got object"
    );
    assert_eq!(
        error_of("new m.Temperature(-300)"),
        "Error: -300 is below absolute zero"
    );
    assert_eq!(
        run("globalThis.out = new m.Temperature(100).fahrenheit"),
        "212"
    );
    assert_eq!(
        error_of("new m.Token()"),
        "TypeError: this class has no constructor: instances come from Rust"
    );
    assert_eq!(
        run("const t = m.make_token(7); globalThis.out = [t.id, t instanceof m.Token]"),
        "7,true"
    );
}

#[test]
fn a_reentrant_call_is_a_type_error_not_a_panic() {
    // While increment_with holds &mut self, JS reads and writes the object.
    assert_eq!(
        error_of("const c = new m.Counter(); c.increment_with(() => c.count)"),
        "TypeError: Counter.count: this: this Counter is in use by a method that changes it (a re-entrant call)"
    );
    // The object stays usable afterwards.
    assert_eq!(
        run("const c = new m.Counter(); try { c.increment_with(() => c.increment()) } catch (e) {} globalThis.out = [c.count, c.increment_with(() => 5)]"),
        "1,7"
    );
    // The same object as both receiver (&mut) and argument.
    assert_eq!(
        error_of("const c = new m.Counter(1); c.absorb(c)"),
        "TypeError: Counter.absorb: this: this Counter is in use by a method that changes it (a re-entrant call)"
    );
    assert_eq!(
        run("const a = new m.Counter(2), b = new m.Counter(3); a.absorb(b); globalThis.out = [a.count, b.count]"),
        "5,0"
    );
}

#[test]
fn arguments_are_converted_before_the_receiver_is_borrowed() {
    // Converting the argument (an array-like) runs a user getter that calls
    // a &mut method on the receiver: it succeeds, as the receiver is not
    // borrowed yet.
    assert_eq!(
        run("const c = new m.Counter(); const steps = { length: 1, get 0() { c.increment(100); return 1 } }; globalThis.out = c.increment_many(steps)"),
        "101"
    );
}

#[test]
fn async_methods_return_promises() {
    assert_eq!(
        run("const c = new m.Counter(41); c.later(5).then(v => globalThis.out = v + 1)"),
        "42"
    );
}

#[test]
fn js_subclasses_extend_rust_classes() {
    assert_eq!(
        run(
            "class Twice extends m.Counter { double() { return this.increment(this.count) } }
             const t = new Twice(4);
             globalThis.out = [t.double(), t instanceof m.Counter, t instanceof Twice]"
        ),
        "8,true,true"
    );
}

#[test]
fn rust_classes_extend_rust_classes() {
    let out = run(
        "const d = new m.Dog('rex', 3), p = new m.Puppy('bit'), a = new m.Animal('cat');
         const r = [d.speak(), d.name, d.tricks(), p.speak(), p.tricks(), a.speak()];
         r.push(d instanceof m.Animal, p instanceof m.Dog, p instanceof m.Animal, a instanceof m.Dog);
         r.push(m.Dog.kingdom(), Object.getPrototypeOf(m.Puppy) === m.Dog, Object.prototype.toString.call(p));
         d.rename('max'); p.rename('tiny');
         r.push(d.name, p.name, m.introduce(d), m.introduce(p), m.introduce(a));
         globalThis.out = r.join('|')",
    );
    assert_eq!(
        out,
        "rex says woof|rex|3|bit says woof|1|cat says ...|true|true|true|false|animalia|true|[object Puppy]|max|tiny|this is max|this is tiny|this is cat"
    );
    // A Dog method on a plain Animal is refused; so is re-entering a Dog
    // through its Animal part while a &mut Animal method runs on it.
    assert_eq!(
        error_of("m.Dog.prototype.tricks.call(new m.Animal('x'))"),
        "TypeError: Dog.tricks: this: expected Dog, got object"
    );
    assert_eq!(
        error_of("const d = new m.Dog('rex'); d.rename_with(() => d.tricks() + '')"),
        "TypeError: Dog.tricks: this: this Dog is in use by a method that changes it (a re-entrant call)"
    );
}

#[test]
fn modules_export_constants_and_many_contexts_get_their_own_classes() {
    assert_eq!(run("globalThis.out = [m.VERSION, m.LIMIT]"), "1.2.3,100");
    let rt = Runtime::new().unwrap();
    let a = Context::full(&rt).unwrap();
    let b = Context::full(&rt).unwrap();
    for ctx in [&a, &b] {
        ctx.with(|ctx| {
            EXT.add_to(ctx).unwrap();
            let _: Value = ctx
                .eval_with(
                    "import { Counter } from 'ext'; globalThis.C = Counter; globalThis.c = new Counter(3)",
                    "m.js",
                    EvalKind::Module,
                )
                .unwrap();
        });
    }
    rt.run_until_idle().unwrap();
    // Each context has its own constructor and prototype.
    assert_eq!(b.with(|ctx| ctx.eval::<i64>("c.increment()").unwrap()), 4);
    assert!(a.with(|ctx| ctx.eval::<bool>("c instanceof C").unwrap()));
}

#[test]
fn instances_made_in_rust_and_dropped_by_the_gc_free_their_values() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    #[js]
    pub struct Tracked;
    impl Drop for Tracked {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }
    #[js]
    impl Tracked {}
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        for _ in 0..10 {
            ctx.globals().set("t", Tracked).unwrap();
        }
        assert!(ctx
            .eval::<bool>("t instanceof Object && String(t) === '[object Tracked]'")
            .unwrap());
    });
    rt.run_gc();
    assert_eq!(DROPS.load(Ordering::SeqCst), 9);
    drop(ctx);
    drop(rt);
    assert_eq!(DROPS.load(Ordering::SeqCst), 10);
}

#[test]
fn the_module_declares_itself_in_typescript() {
    let ts = EXT.typescript();
    let expected = "declare module 'ext' {
  export function sum(first: number, ...rest: number[]): number;
  export function this_type(prefix: string): string;
  export function apply_twice(f: (...args: any[]) => any, x: number): number;
  export function fail(kind: string): void;
  export function notify_later(ms: number, name: string): Promise<string>;
  export function fail_later(ms: number): Promise<void>;
  export function tally(words: string[]): Map<string, number>;
  export function next_day(t: Date): Date;
  export function make_token(id: number): Token;
  export function checksum(data: ArrayBuffer | ArrayBufferView, seed?: number): number;
  export function total_len(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): number;
  export function introduce(a: Animal): string;
  export class Counter {
    constructor(start?: number);
    increment(by?: number): number;
    increment_with(f: (...args: any[]) => any): number;
    increment_many(steps: number[]): number;
    get count(): number;
    set count(value: number);
    get step(): number;
    static zero(): Counter;
    static add(a: Counter, b: Counter): Counter;
    absorb(other: Counter): void;
    later(ms: number): Promise<number>;
  }
  export class Temperature {
    constructor(degrees: number);
    get fahrenheit(): number;
  }
  export class Token {
    get id(): number;
  }
  export class Animal {
    constructor(name: string);
    speak(): string;
    rename(name: string): void;
    rename_with(f: (...args: any[]) => any): void;
    get name(): string;
    static kingdom(): string;
  }
  export class Dog extends Animal {
    constructor(name: string, tricks?: number);
    tricks(): number;
  }
  export class Puppy extends Dog {
    constructor(name: string);
  }
  export const VERSION: string;
  export const LIMIT: number;
}
";
    assert_eq!(ts, expected);
}

mod held_values {
    //! JS values held by Rust structs (`#[js(trace)]` fields of `Held`).
    use quickjs::{js, Context, Ctx, Function, Held, Runtime, Value};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    static DROPS: AtomicUsize = AtomicUsize::new(0);
    static STASH: Mutex<Vec<Held>> = Mutex::new(Vec::new());

    #[js]
    pub struct Emitter {
        #[js(trace)]
        listeners: Vec<Held>,
        #[js(trace)]
        last: std::cell::RefCell<Option<Held>>,
    }

    impl Drop for Emitter {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[js]
    impl Emitter {
        #[js(constructor)]
        pub fn new() -> Self {
            Emitter {
                listeners: Vec::new(),
                last: Default::default(),
            }
        }
        pub fn on(&mut self, f: Held) {
            self.listeners.push(f);
        }
        pub fn remember(&self, v: Held) {
            *self.last.borrow_mut() = Some(v);
        }
        pub fn last<'js>(&self, ctx: Ctx<'js>) -> quickjs::Result<Value<'js>> {
            match &*self.last.borrow() {
                Some(v) => v.get(ctx),
                None => Ok(Value::undefined(ctx)),
            }
        }
        pub fn emit(&self, ctx: Ctx, x: i32) -> quickjs::Result<Vec<i32>> {
            self.listeners
                .iter()
                .map(|h| h.get::<Function>(ctx)?.call((x,)))
                .collect()
        }
        /// Moves the listeners out of the object, into a Rust static.
        pub fn stash(&mut self) {
            STASH.lock().unwrap().append(&mut self.listeners);
        }
        /// Runs `f` (which may allocate and trigger the GC) while `self`
        /// is borrowed mutably.
        pub fn busy(&mut self, f: Function) -> quickjs::Result<()> {
            f.call::<_, ()>(())
        }
    }

    quickjs::module!(static HELD = "held" {} classes { Emitter });

    fn module(ctx: &Context, src: &str) {
        super::eval_module(
            ctx,
            &HELD,
            &format!("import {{ Emitter }} from 'held';\n{src}"),
        );
    }

    /// One test, so the drop counter and the stash are not shared.
    #[test]
    fn held_values_are_traced_used_and_released() {
        let rt = Runtime::new().unwrap();
        let ctx = Context::full(&rt).unwrap();
        // Listeners are called through their Held.
        module(&ctx, "const e = new Emitter(); e.on(x => x * 2); e.on(x => x + 1); globalThis.r = e.emit(5).join(); e.remember({ n: 7 }); globalThis.n = e.last().n");
        rt.run_pending_jobs().unwrap();
        assert_eq!(
            ctx.with(|ctx| ctx.eval::<String>("r + '|' + n").unwrap()),
            "10,6|7"
        );

        // A cycle through Rust: emitter -> listener closure -> emitter. The
        // GC sees the edge from the emitter and collects both while the
        // context lives on.
        let before = DROPS.load(Ordering::SeqCst);
        module(
            &ctx,
            "{ const e = new Emitter(); e.on(() => e); e.remember(e); }",
        );
        rt.run_pending_jobs().unwrap();
        rt.run_gc();
        assert_eq!(DROPS.load(Ordering::SeqCst), before + 1);

        // The GC running while a method holds `&mut self` (it then leaves
        // the object's held values alone), then collecting it afterwards.
        rt.set_gc_threshold(64 * 1024);
        module(&ctx, "{ const e = new Emitter(); e.on(() => 1); e.remember(e); e.busy(() => { let a = []; for (let i = 0; i < 20000; i++) a.push([i]); }); globalThis.ok = e.emit(1)[0] === 1 && e.last() === e; }");
        rt.run_pending_jobs().unwrap();
        assert!(ctx.with(|ctx| ctx.eval::<bool>("ok").unwrap()));
        rt.run_gc();
        assert_eq!(DROPS.load(Ordering::SeqCst), before + 2);

        // Held values moved out into a static outlive their context: they
        // are released with it, and report that.
        module(
            &ctx,
            "globalThis.keep = new Emitter(); keep.on(() => 1); keep.stash();",
        );
        rt.run_pending_jobs().unwrap();
        assert_eq!(STASH.lock().unwrap().len(), 1);
        drop(ctx);
        let ctx = Context::full(&rt).unwrap();
        let err = ctx.with(|ctx| {
            STASH.lock().unwrap()[0]
                .get::<Function>(ctx)
                .map(drop)
                .unwrap_err()
        });
        assert!(
            err.to_string().contains("released with its context"),
            "{err}"
        );
        let other = Runtime::new().unwrap();
        let octx = Context::full(&other).unwrap();
        let err = octx.with(|ctx| {
            STASH.lock().unwrap()[0]
                .get::<Value>(ctx)
                .map(drop)
                .unwrap_err()
        });
        assert!(err.to_string().contains("another runtime"), "{err}");
        drop((ctx, rt, octx, other));
        STASH.lock().unwrap().clear(); // dropped after their runtime: harmless
    }
}
