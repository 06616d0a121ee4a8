import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateAll, TEMPLATES_ROOT } from './generate';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('committed templates', () => {
  const files = generateAll();

  it.each([...files.keys()])('%s matches a fresh generation from the catalog', (path) => {
    const committed = readFileSync(join(TEMPLATES_ROOT, path), 'utf8');
    // On failure: run `pnpm --filter @portcullis/monitoring-templates generate` and commit.
    expect(committed).toBe(files.get(path));
  });

  it('holds no generated file the generator no longer makes', () => {
    const onDisk = listFiles(join(TEMPLATES_ROOT, GENERATED_DIR)).map((file) =>
      relative(TEMPLATES_ROOT, file),
    );
    expect(onDisk.sort()).toEqual(
      [...files.keys()].filter((p) => p.startsWith(GENERATED_DIR)).sort(),
    );
  });
});
