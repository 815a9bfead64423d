// The profiler: a hot function that spins ~300 ms, between two breakpoints.
function hot() {
  let x = 0;
  const end = Date.now() + 300;
  while (Date.now() < end) {
    for (let i = 0; i < 1000; i++) x += i % 7;
  }
  return x;
}
function cold() {
  return 1;
}
globalThis.phase = 'start';
cold(); // PROFILE_START
const r = hot();
cold();
console.log('hot done', r > 0); // PROFILE_STOP
