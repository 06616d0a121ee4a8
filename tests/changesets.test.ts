import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const published = new Set(
  readdirSync(join(root, 'packages')).map(
    (dir) =>
      JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).name as string,
  ),
);
const changesets = readdirSync(join(root, '.changeset')).filter(
  (file) => file.endsWith('.md') && file !== 'README.md',
);

describe('changesets', () => {
  it('exist for the published packages', () => {
    expect(changesets.length).toBeGreaterThan(0);
  });

  it.each(changesets)('%s names published packages, a valid bump and a summary', (file) => {
    const text = readFileSync(join(root, '.changeset', file), 'utf8');
    const match = /^---\n([\s\S]*?)\n---\n([\s\S]+)$/.exec(text);
    expect(match, 'frontmatter between --- lines, then a summary').not.toBeNull();
    const bumps = parse(match![1]!) as Record<string, string>;
    expect(Object.keys(bumps).length).toBeGreaterThan(0);
    for (const [name, bump] of Object.entries(bumps)) {
      expect(published.has(name), `${name} is not a published package`).toBe(true);
      expect(['patch', 'minor', 'major']).toContain(bump);
    }
    expect(match![2]!.trim().length).toBeGreaterThan(20);
  });
});
