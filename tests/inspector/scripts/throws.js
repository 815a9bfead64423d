// Exceptions: one caught, then one nobody catches.
function thrower(msg) {
  throw new Error(msg); // THROW_LINE
}
function catcher() {
  try {
    thrower('caught-boom');
  } catch (e) {
    return e.message;
  }
  return 'not thrown';
}
const m = catcher();
console.log('caught', m); // CAUGHT_LOG
thrower('uncaught-boom'); // UNCAUGHT_CALL
