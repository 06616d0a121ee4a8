import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runVector } from '../scripts/run-vector';
import { buildVectorFiles } from '../scripts/vector-cases';
import type { VectorFile } from '../scripts/vectors';
import { VERIFY_ERROR_CODES } from './errors';

const dir = join(import.meta.dirname, '..', 'vectors');
const files: Record<string, VectorFile> = Object.fromEntries(
  ['positive.json', 'negative.json'].map((name) => [
    name,
    JSON.parse(readFileSync(join(dir, name), 'utf8')) as VectorFile,
  ]),
);

describe.each(Object.entries(files))('vectors/%s', (name, file) => {
  it.each(file.vectors.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    expect(outcomeOf(await runVector(file, vector))).toEqual(vector.expected);
    expect(vector.expected.ok).toBe(name === 'positive.json');
  });
});

describe('the vector set', () => {
  it('covers every error code at least once', () => {
    const codes = new Set(files['negative.json']!.vectors.map((v) => v.expected.error));
    expect([...codes].sort()).toEqual([...VERIFY_ERROR_CODES].sort());
  });

  it('pins a signature base for every accepted vector and every rejection after parsing', () => {
    const afterParsing = new Set([
      null,
      'unknown_key',
      'revoked_key',
      'expired',
      'not_yet_valid',
      'replayed',
      'signature_mismatch',
    ]);
    const all = Object.values(files).flatMap((f) => f.vectors);
    const missing = all.filter(
      (v) => afterParsing.has(v.expected.error) && v.expected.signatureBase === null,
    );
    expect(missing.map((v) => v.name)).toEqual([]);
    expect(all.filter((v) => v.expected.signatureBase !== null).length).toBeGreaterThanOrEqual(35);
  });

  it('is what scripts/write-vectors.ts generates from the TypeScript signer today', async () => {
    expect(await buildVectorFiles()).toEqual(files);
  });
});
