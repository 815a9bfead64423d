// Values for Runtime.getProperties.
class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
  norm() {
    return Math.hypot(this.x, this.y);
  }
}
function inspectMe() {
  const plain = { a: 1, b: 'two', nested: { c: true } };
  const arr = [10, 20, 30];
  const map = new Map([['k1', 1], ['k2', { deep: 2 }]]);
  const set = new Set(['s1', 's2', 's3']);
  const point = new Point(3, 4);
  const withGetter = { get answer() { return 42; }, plain: 1 };
  const resolved = Promise.resolve(7);
  const pending = new Promise(() => {});
  const rejected = Promise.reject(new Error('nope'));
  rejected.catch(() => {});
  return [plain, arr, map, set, point, withGetter, resolved, pending]; // VALUES_BP
}
inspectMe();
console.log('values done'); // VALUES_END
