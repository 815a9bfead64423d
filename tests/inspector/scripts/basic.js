// Breakpoints, conditions and call frames (a classic script).
function add(a, b) {
  const sum = a + b; // ADD_BODY
  return sum; // ADD_RETURN
}
const calculator = {
  name: 'calc',
  compute(x) {
    const doubled = add(x, x); // COMPUTE_CALL
    return doubled;
  },
};
let total = 0;
for (let i = 0; i < 5; i++) {
  total += i; // LOOP_BODY
}
const result = calculator.compute(total);
console.log('basic done', result, total); // BASIC_END
