// The README's test command (`npm test`, same as `pnpm test`): prepares a
// fresh machine, runs every suite, and ends with one plain summary line
// `N passed, N failed[, N skipped]` totalled over all suites.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildPackages,
  ensureSystemPrograms,
  ensureWorkspaceInstalled,
  log,
  repoRoot,
  runPnpm,
} from './lib/bootstrap.mjs';

const extraArgs = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

try {
  ensureWorkspaceInstalled();
  ensureSystemPrograms();
  if (process.env.PORTCULLIS_SKIP_BUILD !== '1') buildPackages();
} catch (error) {
  log(error.message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/** Runs one vitest invocation and adds its counts from the JSON report. */
function runVitestSuite(label, args) {
  const outputDir = join(repoRoot, '.tmp');
  mkdirSync(outputDir, { recursive: true });
  const report = join(outputDir, `vitest-${label}.json`);
  rmSync(report, { force: true });
  log(`suite: ${label}`);
  const status = runPnpm([
    'exec',
    'vitest',
    'run',
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  if (!existsSync(report)) {
    log(`suite ${label} produced no report (exit ${status})`);
    totals.failed++;
    exitCode = 1;
    return;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += result.numPassedTests;
  totals.failed += result.numFailedTests;
  totals.skipped += result.numPendingTests + result.numTodoTests;
  // A suite can fail outside any test (a file that does not load): count it.
  const brokenFiles = result.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
  totals.failed += brokenFiles;
  if (status !== 0 || result.numFailedTests > 0 || brokenFiles > 0) exitCode = 1;
}

runVitestSuite('unit-and-integration', extraArgs);
// Whole-system proofs run after, on their own, so they do not compete with
// the unit suite for the cores (see reliability/vitest.config.ts).
if (extraArgs.length === 0 && process.env.PORTCULLIS_SKIP_RELIABILITY !== '1') {
  // Absolute: vitest resolves --config against --root.
  runVitestSuite('reliability', [
    '--root',
    join(repoRoot, 'reliability'),
    '--config',
    join(repoRoot, 'reliability/vitest.config.ts'),
  ]);
}

// Processes a crashed test may have left behind.
runPnpm(['exec', 'tsx', 'tooling/testkit/src/cleanup-cli.ts']);

const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(exitCode);
