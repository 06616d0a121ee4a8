// The README's demo command (`npm run demo`): prepares a fresh machine
// (pnpm, workspace install) and runs the reference gateway in embedded demo
// mode — local Bot API server, example services, memory stores, a scripted
// scenario over real HTTP. Extra arguments (e.g. `-- --serve`) are passed on.
import { ensureWorkspaceInstalled, log, runPnpm } from './lib/bootstrap.mjs';

try {
  ensureWorkspaceInstalled();
} catch (error) {
  log(error.message);
  process.exit(1);
}
const status = runPnpm([
  '--silent',
  '--filter',
  '@portcullis/example-gateway',
  'demo',
  ...process.argv.slice(2),
]);
process.exit(status);
