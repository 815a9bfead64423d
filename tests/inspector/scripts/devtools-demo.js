// A small program to look at in Chrome DevTools (../devtools-screenshot.mjs).
class Basket {
  constructor(owner) {
    this.owner = owner;
    this.items = new Map();
  }
  add(name, price, count) {
    this.items.set(name, { price, count });
  }
}

function checkout(basket, taxPercent) {
  const withTax = (cents) => cents + Math.round((cents * taxPercent) / 100);
  let total = 0;
  for (const [name, { price, count }] of basket.items) {
    const line = withTax(price * count);
    total += line;
  }
  return total;
}

const basket = new Basket("Ada");
basket.add("apple", 50, 6); // prices in cents
basket.add("bread", 225, 1);
basket.add("coffee", 780, 2);
console.log(`${basket.owner} pays ${(checkout(basket, 20) / 100).toFixed(2)}`);
