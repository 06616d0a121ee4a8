// `pnpm check:packages`: publint and Are The Types Wrong on every built,
// packed package. Any problem fails the run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packAll, repoRoot } from './lib/packs.mjs';

const packs = packAll(join(repoRoot, '.tmp', 'packs'));
let failed = 0;
for (const { dir, name, tarball } of packs) {
  if (!existsSync(join(dir, 'dist'))) {
    console.error(`✗ ${name}: no dist/ — run \`pnpm build\` first`);
    failed++;
    continue;
  }
  for (const [tool, args] of [
    ['publint', ['exec', 'publint', 'run', tarball, '--strict']],
    ['attw', ['exec', 'attw', tarball, '--profile', 'esm-only', '--format', 'table-flipped']],
  ]) {
    try {
      const output = execFileSync('pnpm', args, { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' });
      console.log(`✓ ${name}: ${tool}`);
      if (process.env.VERBOSE) console.log(output);
    } catch (error) {
      failed++;
      console.error(`✗ ${name}: ${tool}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }
}
if (failed > 0) {
  console.error(`check:packages: ${failed} problem(s)`);
  process.exit(1);
}
console.log(`check:packages: ${packs.length} packages, no problems`);
