//! MicroQuickJS with `#[js]` Rust functions on a Cortex-M4: `no_std`, no
//! allocator, the context in a static buffer, output and exit status by
//! semihosting (QEMU mps2-an386; `./run.sh`).
#![no_std]
#![no_main]

mod native;

use core::ffi::{c_char, c_int, CStr};
use core::panic::PanicInfo;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprint, hprintln, syscall};
use mquickjs::Context;

// `STDLIB`: the engine's built-ins and src/native.rs's functions; `MAIN`:
// js/main.js as bytecode, in flash.
mquickjs::stdlib!();

/// The context's buffer: all the memory the engine ever uses.
const BUF_SIZE: usize = 32 * 1024;
/// The RAM the bytecode is relocated into (the engine runs it from there).
const CODE_SIZE: usize = MAIN.ram_size();

/// `print` and `console.log`: to the host's stdout.
fn print(s: &str) {
    hprint!(s);
}

/// `Date.now()` and `performance.now()`: SYS_CLOCK, centiseconds since the
/// program started, in milliseconds.
fn clock() -> f64 {
    // SAFETY: SYS_CLOCK takes no argument and only reads the host's clock.
    let cs = unsafe { syscall!(CLOCK) } as isize;
    cs as f64 * 10.0
}

#[entry]
fn main() -> ! {
    // In .bss, handed out once (None on a second call): no `unsafe`.
    let buf = cortex_m::singleton!(: [u8; BUF_SIZE] = [0; BUF_SIZE]).unwrap();
    let code = cortex_m::singleton!(: [u8; CODE_SIZE] = [0; CODE_SIZE]).unwrap();
    exit(run(buf, code))
}

/// Ends QEMU with the guest's status (semihosting SYS_EXIT).
fn exit(ok: bool) -> ! {
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    // Without a debugger or QEMU, SYS_EXIT does not end anything.
    loop {
        cortex_m::asm::wfi();
    }
}

/// The smallest prefix of `buf` in which a context runs `fib(20)` in JS:
/// below it, `Context::new` or the script fails cleanly (OutOfMemory).
fn smallest_buffer(buf: &mut [u8]) -> usize {
    let (mut lo, mut hi) = (0, buf.len());
    while hi - lo > 8 {
        let mid = (lo + hi) / 2;
        let ok = Context::new(&mut buf[..mid], &STDLIB).is_ok_and(|ctx| {
            ctx.eval_cstr::<i32>(c"function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2) } f(20)")
                .ok()
                == Some(6765)
        });
        if ok {
            hi = mid
        } else {
            lo = mid
        }
    }
    hi
}

fn run(buf: &'static mut [u8], code: &'static mut [u8]) -> bool {
    hprintln!("smallest buffer for fib(20) in JS: {} bytes", smallest_buffer(buf));
    let ctx = match Context::new(buf, &STDLIB) {
        Ok(ctx) => ctx,
        Err(e) => {
            hprintln!("no context: {}", e);
            return false;
        }
    };
    ctx.set_print(print);
    ctx.set_clock(clock);

    if let Err(e) = ctx.eval_cstr::<()>(c"print(fib(20), add(1, 2))") {
        hprintln!("{:?}", e);
        return false;
    }
    // Bytecode from flash: no parsing on the device.
    match ctx.run::<i32>(&MAIN, code) {
        Ok(n) => hprintln!("fib(25) = {} (bytecode, {} bytes)", n, MAIN.len()),
        Err(e) => {
            hprintln!("{:?}", e);
            return false;
        }
    }
    let m = ctx.memory_usage();
    hprintln!("heap: {} of {} bytes", m.heap, m.total);

    // A wrong argument is a TypeError, as on the host.
    match ctx.eval_cstr::<i32>(c"fib('x')") {
        Ok(n) => {
            hprintln!("fib('x') returned {}", n);
            false
        }
        Err(e) => {
            hprintln!("{}", e);
            true
        }
    }
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    exit(false)
}

/// The engine's `abort()` (an internal error it cannot recover from).
#[no_mangle]
pub extern "C" fn abort() -> ! {
    panic!("abort() in the engine");
}

/// A failed `assert()` in the engine.
#[no_mangle]
pub extern "C" fn __assert_func(file: *const c_char, line: c_int, func: *const c_char, expr: *const c_char) -> ! {
    let s = |p: *const c_char| {
        if p.is_null() {
            return "?";
        }
        // SAFETY: newlib's assert() passes NUL-terminated literals.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("?")
    };
    panic!("assertion failed: {} ({}:{}, {})", s(expr), s(file), line, s(func));
}
