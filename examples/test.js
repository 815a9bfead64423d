import * as rust from 'rust'
import { fib, sleep } from 'rust'
console.log('export from rust :', Object.keys(rust))
;(async () => {
  console.log('begin sleep 2s'); await sleep(2000); console.log('sleep done')
  console.log('fib(3) =', fib(3))
  try { fib() } catch (e) { console.log(e.name, e.message); console.log(e.stack) }
  try { fib('*') } catch (e) { console.log(e.name, e.message) }
})()
