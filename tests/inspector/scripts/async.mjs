// A breakpoint after an await on the built-in native module's sleep.
import { sleep } from 'rust';
async function work(n) {
  const before = n + 1;
  await sleep(10); // AWAIT_LINE
  const after = before * 2; // AFTER_AWAIT
  return after;
}
work(4).then((v) => console.log('async done', v)); // ASYNC_END
