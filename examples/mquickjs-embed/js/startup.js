// Compiled to bytecode by build.rs (Stdlib::bytecode): no parsing at run
// time. Calls this crate's #[js] functions; its last value is the result.
var square = new Square(3);
function report(n) {
    return 'fib(' + n + ') = ' + fib(n) + ', area ' + square.area();
}
report(20);
