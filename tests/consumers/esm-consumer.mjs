// Loads every published package with `import`, as an ESM application would.
// Run by tests/consumers.test.ts inside a folder where the packed packages
// are installed; prints the export names of each package as JSON.
const names = process.argv.slice(2);
const result = {};
for (const name of names) {
  const module = await import(name);
  result[name] = Object.keys(module).sort();
}
console.log(JSON.stringify(result));
