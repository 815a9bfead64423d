// The script-bench workload in pure JS: 10,000 instances of a class
// wrapping a random hex string, sorted by a JS quicksort calling a.lt(b).
let seed = 42;
function rand(n) { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; }
class Data { constructor(s) { this.s = s; } lt(o) { return this.s < o.s; } }
function qsort(a, lo, hi) {
  while (lo < hi) {
    let p = a[(lo + hi) >> 1], i = lo, j = hi;
    while (i <= j) {
      while (a[i].lt(p)) i++;
      while (p.lt(a[j])) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { qsort(a, lo, j); lo = i; } else { qsort(a, i, hi); hi = j; }
  }
}
for (let round = 0; round < 12; round++) {
  const a = [];
  for (let i = 0; i < 10000; i++) {
    let len = 8 + rand(16), s = '';
    for (let k = 0; k < len; k++) s += '0123456789abcdef'[rand(16)];
    a.push(new Data(s));
  }
  qsort(a, 0, a.length - 1);
  for (let i = 1; i < a.length; i++) if (a[i].lt(a[i - 1])) throw new Error('unsorted');
}
