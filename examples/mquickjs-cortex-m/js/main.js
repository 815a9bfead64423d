// Compiled to 32-bit bytecode on the build host (build.rs:
// Stdlib::bytecode, as `mqjs -m32 -o`), stored in flash, run without a
// parser: the #[js] Rust functions of src/native.rs, called from it.
print('bytecode:', fib(10), add(2, 3));
fib(25);
