import { line } from './lib/format.js'
import { fib, sleep } from 'rust'

export async function report(n) {
  await sleep(1)
  return [line('fib', `fib(${n}) = ${fib(n)}`), line('source', import.meta.url ?? 'main.js')].join('\n')
}
