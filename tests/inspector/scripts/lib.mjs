// An imported module.
export function triple(x) {
  const t = x * 3; // LIB_BP
  return t;
}
