import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import { INPUT_PATTERNS } from './all-patterns';

describe('every regular expression applied to input is linear-time (recheck)', () => {
  it('the analyser flags a known catastrophic pattern, so this test can fail', async () => {
    const result = await check('^(a+)+$', '');
    expect(result.status).toBe('vulnerable');
  });

  it('lists every pattern once, by a unique name', () => {
    const names = INPUT_PATTERNS.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    expect(INPUT_PATTERNS.length).toBeGreaterThan(40);
  });

  it('finds no pattern vulnerable to ReDoS', async () => {
    const results = await Promise.all(
      INPUT_PATTERNS.map(async ({ name, pattern }) => {
        const result = await check(pattern.source, pattern.flags);
        return { name, status: result.status, source: pattern.source };
      }),
    );
    expect(results.filter((result) => result.status !== 'safe')).toEqual([]);
  });
});
