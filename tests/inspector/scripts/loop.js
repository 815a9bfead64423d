// A long loop to pause while it runs (Debugger.pause).
let deadline = Date.now() + 8000;
function spin() {
  let n = 0;
  while (Date.now() < deadline) {
    n++; // SPIN_BODY
  }
  return n;
}
const spun = spin();
console.log('loop done', spun > 0);
