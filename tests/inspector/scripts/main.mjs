// A module importing another file.
import { triple } from './lib.mjs';
const v = triple(7); // MAIN_CALL
console.log('main done', v);
