//! Embedding MicroQuickJS: this crate's `#[js]` items are globals of its
//! standard library ([`STDLIB`]), which `build.rs` declares.
//!
//! ```
//! let mut buf = [0u8; 16 * 1024];
//! let ctx = mquickjs::Context::new(&mut buf, &mquickjs_embed::STDLIB).unwrap();
//! let n: f64 = ctx.eval("fib(20) + add(1, 2)").unwrap();
//! assert_eq!(n, 6768.0);
//! ```

use mquickjs::{js, Bytes, Ctx, Error, Value};

mquickjs::stdlib!();

/// The n-th Fibonacci number.
#[js]
pub fn fib(n: i32) -> f64 {
    let (mut a, mut b) = (0.0f64, 1.0f64);
    for _ in 0..n.max(0) {
        (a, b) = (b, a + b);
    }
    a
}

/// `a + b`: the native call of the benchmark.
#[js]
pub fn add(a: f64, b: f64) -> f64 {
    a + b
}

/// The length in characters of a borrowed string.
#[js]
pub fn chars(s: &str) -> u32 {
    s.chars().count() as u32
}

/// Joins `n` copies of `s` (allocating in the engine for the result).
#[js]
pub fn repeat(s: String, n: u32) -> String {
    s.repeat(n as usize)
}

/// The sum of an array of numbers.
#[js]
pub fn sum(xs: Vec<f64>) -> f64 {
    xs.iter().sum()
}

/// The words of `s`, as an array of new strings (each allocation can move
/// the array being filled).
#[js]
pub fn words(s: String) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

/// A checksum of bytes borrowed from the engine (no copy).
#[js]
pub fn checksum(b: &[u8]) -> u32 {
    b.iter()
        .fold(0u32, |h, &x| h.wrapping_mul(31).wrapping_add(x as u32))
}

/// The bytes reversed, as a new `Uint8Array`.
#[js]
pub fn reversed(b: Bytes) -> Bytes {
    Bytes(b.0.into_iter().rev().collect())
}

/// Calls `f(i)` for i in 0..n, allocating a string on each turn, and sums
/// the results: a Rust loop that runs JS and keeps values across
/// allocations (`f` is a GC ref; under DEBUG_GC every allocation moves it).
#[js]
pub fn sum_calls(ctx: Ctx<'_>, f: Value<'_>, n: u32) -> Result<f64, Error> {
    let mut sum = 0.0;
    let keep = ctx.eval::<Value<'_>>("({ tag: 'kept' })")?;
    for i in 0..n {
        let s: String = f.call((i, "x"))?;
        sum += s.len() as f64;
    }
    let tag: String = keep.prop(c"tag")?;
    assert_eq!(tag, "kept");
    Ok(sum)
}

/// An accumulator: the class method of the benchmark.
#[js]
#[derive(Default)]
pub struct Acc {
    total: f64,
}

#[js]
impl Acc {
    /// `new Acc()`.
    #[js(constructor)]
    pub fn new() -> Acc {
        Acc::default()
    }

    /// Adds `x`, returns the total.
    pub fn add(&mut self, x: f64) -> f64 {
        self.total += x;
        self.total
    }

    /// The total.
    #[js(get)]
    pub fn total(&self) -> f64 {
        self.total
    }
}

/// How many [`Probe`]s were dropped (by the engine's finalizer).
pub static PROBES_DROPPED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A class whose drops are counted: every instance JS drops must be
/// finalized.
#[js]
#[derive(Default)]
pub struct Probe;

#[js]
impl Probe {
    /// `new Probe()`.
    #[js(constructor)]
    pub fn new() -> Probe {
        Probe
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        PROBES_DROPPED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A shape, the base of [`Square`].
#[js]
pub struct Shape {
    sides: u32,
}

#[js]
impl Shape {
    /// `new Shape(sides)`.
    #[js(constructor)]
    pub fn new(sides: u32) -> Shape {
        Shape { sides }
    }

    /// Its sides.
    #[js(get)]
    pub fn sides(&self) -> u32 {
        self.sides
    }
}

/// Describes a shape (any subclass too).
#[js]
pub fn describe(shape: &Shape) -> String {
    format!("a shape with {} sides", shape.sides)
}

/// A square: a subclass of `Shape` in JS (`instanceof`, the prototype
/// chain), holding its `Shape` part: `Shape`'s getter works on a square.
#[js(extends = Shape)]
pub struct Square {
    #[js(base)]
    shape: Shape,
    side: f64,
}

#[js]
impl Square {
    /// `new Square(side)`.
    #[js(constructor)]
    pub fn new(side: f64) -> Square {
        Square {
            shape: Shape { sides: 4 },
            side,
        }
    }

    /// Its area.
    pub fn area(&self) -> f64 {
        self.side * self.side
    }
}
