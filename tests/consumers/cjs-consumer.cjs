// Loads every published package with `require()`, as a CommonJS application
// on Node >= 20.19 can (require(esm)). Prints the export names as JSON.
const names = process.argv.slice(2);
const result = {};
for (const name of names) {
  const module = require(name);
  result[name] = Object.keys(module).sort();
}
console.log(JSON.stringify(result));
