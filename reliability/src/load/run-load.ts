/**
 * `pnpm load [--quick] [--embedded]`: the load test of the reference gateway
 * against the baseline assembled the obvious way (see README.md, "Load");
 * `--embedded` runs the gateway on its memory stores instead of Redis. Prints progress
 * to stderr and the result tables (markdown) to stdout; stops by itself and
 * ends every process it started.
 */
import { FULL_PLAN, QUICK_PLAN, runPlan } from './plan';
import { formatReport } from './report';
import { startLoadWorld } from './stacks';

const quick = process.argv.includes('--quick');
const embedded = process.argv.includes('--embedded');
const plan = quick ? QUICK_PLAN : FULL_PLAN;
const log = (line: string) => process.stderr.write(`[load ${new Date().toISOString()}] ${line}\n`);

log(
  `starting (${quick ? 'quick' : 'full'} plan, Portcullis on ${embedded ? 'memory stores' : 'Redis'})`,
);
const world = await startLoadWorld({ embedded });
try {
  const results = await runPlan(world, plan, log);
  if (embedded) process.stdout.write('Portcullis ran embedded (memory stores, no Redis).\n\n');
  process.stdout.write(`${formatReport(results)}\n`);
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  log(`portcullis output:\n${world.portcullis.output()}`);
  log(`baseline output:\n${world.baseline.output()}`);
  process.exitCode = 1;
} finally {
  await world.close();
  log('stopped');
}
