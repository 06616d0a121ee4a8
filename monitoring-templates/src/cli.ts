/**
 * Writes the generated templates: `pnpm --filter @portcullis/monitoring-templates generate`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_DIR, generateAll, TEMPLATES_ROOT } from './generate';

// Start from an empty folder so a file the generator no longer makes disappears.
rmSync(join(TEMPLATES_ROOT, GENERATED_DIR), { recursive: true, force: true });
const files = generateAll();
for (const [path, content] of files) {
  const target = join(TEMPLATES_ROOT, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
process.stdout.write(`wrote ${files.size} files under ${TEMPLATES_ROOT}\n`);
