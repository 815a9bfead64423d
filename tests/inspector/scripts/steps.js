// Stepping: step into, over and out.
function inner(v) {
  const doubled = v * 2; // INNER_1
  return doubled + 1; // INNER_2
}
function middle(v) {
  const a = inner(v); // MIDDLE_CALL
  const b = a + 1; // MIDDLE_AFTER
  return b; // MIDDLE_RET
}
const out = middle(3); // TOP_CALL
console.log('steps done', out); // TOP_LOG
