/**
 * `pnpm load [--quick]`: the load test of the reference gateway against the
 * baseline assembled the obvious way (see README.md, "Load"). Prints progress
 * to stderr and the result tables (markdown) to stdout; stops by itself and
 * ends every process it started.
 */
import { FULL_PLAN, QUICK_PLAN, runPlan } from './plan';
import { formatReport } from './report';
import { startLoadWorld } from './stacks';

const quick = process.argv.includes('--quick');
const plan = quick ? QUICK_PLAN : FULL_PLAN;
const log = (line: string) => process.stderr.write(`[load ${new Date().toISOString()}] ${line}\n`);

log(`starting (${quick ? 'quick' : 'full'} plan)`);
const world = await startLoadWorld();
try {
  const results = await runPlan(world, plan, log);
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
