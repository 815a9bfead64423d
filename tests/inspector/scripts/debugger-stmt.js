// The debugger statement.
function stopHere(v) {
  const w = v + 1;
  debugger; // DEBUGGER_LINE
  return w;
}
console.log('debugger done', stopHere(1));
