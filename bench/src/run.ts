/**
 * `pnpm bench [filter]`: runs every suite (or those whose title contains the
 * filter) in this one process and prints Markdown tables of medians, min–max
 * and ratios, ready to paste into a package README with the date and machine.
 * The packages are built first and resolved through the `portcullis-dist`
 * export condition, so the figures are those of the code users install (the
 * TypeScript sources run through tsx carry extra helper calls).
 */
import { cpus, totalmem } from 'node:os';
import { type BenchSuite, formatTable, runSuite } from './harness';
import { suites } from './suites/index';

if (!import.meta.resolve('@portcullis/core').includes('/dist/')) {
  throw new Error('Run benchmarks with `pnpm bench`: it builds the packages and measures dist/');
}

const filter = process.argv[2]?.toLowerCase();
const selected: BenchSuite[] = suites.filter(
  (s) => !filter || s.title.toLowerCase().includes(filter),
);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`# Benchmarks — ${new Date().toISOString().slice(0, 10)} — ${machine}\n`);
for (const suite of selected) {
  const result = await runSuite(suite);
  console.log(`${formatTable(result, suite.note)}\n`);
}
