//! The example Rust module, as globals of mqjs: plain `#[js]` Rust, the
//! same source that runs on quickjs-ng.

use mquickjs::{js, Error, ErrorKind};

/// The n-th Fibonacci number.
#[js]
pub fn fib(n: i32) -> f64 {
    let (mut a, mut b) = (0.0f64, 1.0f64);
    for _ in 0..n.max(0) {
        (a, b) = (b, a + b);
    }
    a
}

/// `a + b`.
#[js]
pub fn add(a: f64, b: f64) -> f64 {
    a + b
}

/// A greeting: a borrowed string in, a new one out.
#[js]
pub fn greet(name: &str) -> String {
    format!("Hello, {name}!")
}

/// The square root, or a RangeError for a negative number.
#[js]
pub fn checked_sqrt(x: f64) -> Result<f64, Error> {
    if x < 0.0 {
        return Err(Error::range_error("checked_sqrt: negative"));
    }
    Ok(x.sqrt())
}

/// Panics: thrown to JS as an InternalError.
#[js]
pub fn boom() {
    panic!("boom from Rust");
}

/// Calls a JS function with `x` and returns its result plus one (a call
/// back into JS from Rust, allocating on the way).
#[js]
pub fn call_plus_one(ctx: mquickjs::Ctx<'_>, f: mquickjs::Value<'_>, x: f64) -> Result<f64, Error> {
    let _ = ctx;
    let r: f64 = f.call((x,))?;
    Ok(r + 1.0)
}

/// A counter: a Rust struct as a JS class.
#[js]
pub struct Counter {
    count: i64,
    step: i64,
}

#[js]
impl Counter {
    /// `new Counter(start?)`.
    #[js(constructor)]
    pub fn new(start: Option<i64>) -> Counter {
        Counter {
            count: start.unwrap_or(0),
            step: 1,
        }
    }

    /// Adds the step and returns the count.
    pub fn increment(&mut self) -> i64 {
        self.count += self.step;
        self.count
    }

    /// The count.
    #[js(get)]
    pub fn count(&self) -> i64 {
        self.count
    }

    /// The step.
    #[js(get)]
    pub fn step(&self) -> i64 {
        self.step
    }

    /// Sets the step (at least 1).
    #[js(set)]
    pub fn set_step(&mut self, step: i64) -> Result<(), Error> {
        if step < 1 {
            return Err(Error::new(ErrorKind::RangeError, "step: at least 1"));
        }
        self.step = step;
        Ok(())
    }

    /// The sum of two counters' counts.
    pub fn sum(a: &Counter, b: &Counter) -> i64 {
        a.count + b.count
    }
}
