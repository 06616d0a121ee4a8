/**
 * `pnpm bench [filter]`: runs every suite (or those whose title contains the
 * filter) in this one process and prints Markdown tables of medians, min–max
 * and ratios, ready to paste into a package README with the date and machine.
 */
import { cpus, totalmem } from 'node:os';
import { type BenchSuite, formatTable, runSuite } from './harness';
import { suites } from './suites/index';

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
