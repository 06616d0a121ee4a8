import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const packageDirs = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name));
const manifests = packageDirs.map((dir) => ({
  dir,
  json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
}));

type ExportTarget = string | { types: string; import: string; default?: string };
type LocalTarget = string | { 'portcullis-dist': string; default: string };

describe.each(manifests.map((m) => [m.json.name as string, m] as const))(
  '%s package.json',
  (_name, { json }) => {
    it('is ESM only, side-effect free, ships dist only and needs Node >= 20.19', () => {
      expect(json.type).toBe('module');
      expect(json.sideEffects).toBe(false);
      expect(json.files).toEqual(['dist']);
      expect(json.engines.node).toBe('>=20.19');
      expect(json.name).toMatch(/^@portcullis\/[a-z-]+$/);
      expect(json.license).toBe('MIT');
    });

    it('has in-repo exports (src, or dist under the bench condition) and published exports (dist) that agree entry for entry', () => {
      const local: Record<string, LocalTarget> = json.exports;
      const published: Record<string, ExportTarget> = json.publishConfig.exports;
      expect(Object.keys(published).sort()).toEqual(Object.keys(local).sort());
      expect(local['./package.json']).toBe('./package.json');
      for (const [subpath, entry] of Object.entries(local)) {
        if (subpath === './package.json') continue;
        // Benchmarks resolve `portcullis-dist` to measure the build users install.
        const source = typeof entry === 'string' ? entry : entry.default;
        const match = /^\.\/src\/(.+)\.ts$/.exec(source);
        if (typeof entry !== 'string')
          expect(entry['portcullis-dist']).toBe(`./dist/${match?.[1]}.js`);
        expect(match, `${subpath} should point at ./src/*.ts`).not.toBeNull();
        const target = published[subpath] as Exclude<ExportTarget, string>;
        expect(target).toEqual({
          types: `./dist/${match![1]}.d.ts`,
          import: `./dist/${match![1]}.js`,
          default: `./dist/${match![1]}.js`,
        });
      }
    });

    it('keeps heavy clients as peer dependencies, never bundled dependencies', () => {
      for (const heavy of ['ioredis', 'prom-client', '@opentelemetry/api', 'zod']) {
        expect(json.dependencies?.[heavy], `${heavy} must be a peer dependency`).toBeUndefined();
      }
    });

    it('depends on other Portcullis packages only in the allowed direction', () => {
      const ours = Object.keys({ ...json.dependencies, ...json.peerDependencies }).filter((dep) =>
        dep.startsWith('@portcullis/'),
      );
      if (json.name === '@portcullis/signing' || json.name === '@portcullis/core')
        expect(ours).toEqual([]);
      else expect(ours).toEqual(['@portcullis/core']);
    });
  },
);
