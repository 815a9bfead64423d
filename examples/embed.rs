//! Embedding QuickJS in a Rust program: evaluate code, exchange values, call
//! JS from Rust and Rust from JS, catch errors. No `unsafe`.
//!
//! cargo run --example embed

use quickjs::{Context, Error, Function, Object, Runtime};
use std::collections::HashMap;

fn main() -> Result<(), Error> {
    let rt = Runtime::new()?;
    let ctx = Context::full(&rt)?;

    ctx.with(|ctx| -> Result<(), Error> {
        // Rust data in, as plain JS objects and arrays.
        let prices = HashMap::from([("apple", 1.25), ("pear", 0.8)]);
        ctx.globals().set("prices", prices)?;

        // A Rust closure as a JS function; arguments are checked.
        let tax = Function::new(ctx, "withTax", |net: f64| net * 1.2)?;
        ctx.globals().set("withTax", tax)?;

        // JS computes; Rust gets typed results back.
        let total: f64 = ctx.eval("withTax(prices.apple * 4 + prices.pear * 5)")?;
        println!("total with tax: {total:.2}");

        // A JS function called from Rust.
        let label: Function = ctx.eval("(name, qty) => `${qty} x ${name}`")?;
        println!("{}", label.call::<_, String>(("pear", 5))?);

        // JS exceptions are Rust errors with name, message and stack.
        if let Err(e) = ctx.eval::<i32>(
            "function check(x) { if (x < 0) throw new RangeError('negative') }\ncheck(-1)",
        ) {
            println!("caught: {e:#}"); // {:#}: with the stack
        }

        let summary: Object = ctx.eval("({ items: Object.keys(prices).length })")?;
        println!("items: {}", summary.get::<_, u32>("items")?);
        Ok(())
    })?;

    println!("heap in use: {} bytes", rt.memory_usage().memory_used_size);
    Ok(())
}
