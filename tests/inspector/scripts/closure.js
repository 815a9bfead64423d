// Locals, closure variables and assignment from evaluateOnCallFrame.
function makeCounter(start) {
  let count = start;
  const label = 'counter';
  return function bump(step) {
    const factor = 2;
    let local = step * factor;
    count += local; // BUMP_BP
    return count + ':' + label;
  };
}
const bump = makeCounter(100);
const first = bump(5);
console.log('closure done', first); // CLOSURE_END
