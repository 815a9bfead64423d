// Runtime.consoleAPICalled.
const obj = { a: 1 };
console.log('hello', 42, obj, [1, 2, 3]); // LOG_LINE
console.warn('careful');
console.log('console done');
