export function line(label, value) {
  return `${label.padEnd(8)} ${value}`
}
