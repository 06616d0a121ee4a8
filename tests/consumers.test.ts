import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAll } from '../scripts/lib/packs.mjs';

const root = resolve(import.meta.dirname, '..');
interface Pack {
  dir: string;
  name: string;
  tarball: string;
}

/**
 * Installs the packed packages into a scratch folder the way a registry
 * install would lay them out: each tarball unpacked into node_modules, and
 * their third-party dependencies linked from the workspace store.
 */
function installPacks(packs: Pack[], target: string): void {
  const modules = join(target, 'node_modules');
  for (const pack of packs) {
    const into = join(modules, pack.name);
    mkdirSync(into, { recursive: true });
    execFileSync('tar', ['-xzf', pack.tarball, '-C', into, '--strip-components=1']);
  }
  for (const pack of packs) {
    const manifest = JSON.parse(readFileSync(join(modules, pack.name, 'package.json'), 'utf8'));
    const wanted = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const dep of Object.keys(wanted)) {
      const link = join(modules, dep);
      if (dep.startsWith('@portcullis/') || existsSync(link)) continue;
      const source = join(pack.dir, 'node_modules', dep);
      if (!existsSync(source)) continue; // optional peer not installed in the workspace
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(source), link, 'dir');
    }
  }
}

describe('built packages load in plain Node consumers', () => {
  let scratch: string;
  let packs: Pack[];

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'portcullis-consumers-'));
    packs = packAll(join(scratch, 'packs')) as Pack[];
    for (const pack of packs) {
      if (!existsSync(join(pack.dir, 'dist', 'index.js'))) {
        throw new Error(`${pack.name} is not built: run \`pnpm build\` before the consumer tests`);
      }
    }
    installPacks(packs, scratch);
    cpSync(join(root, 'tests', 'consumers'), scratch, { recursive: true });
  }, 120_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function load(script: string): Record<string, string[]> {
    const output = execFileSync(process.execPath, [script, ...packs.map((pack) => pack.name)], {
      cwd: scratch,
      encoding: 'utf8',
    });
    return JSON.parse(output);
  }

  it('imports every package from ESM', () => {
    const exports = load('esm-consumer.mjs');
    expect(Object.keys(exports).sort()).toEqual(packs.map((pack) => pack.name).sort());
    expect(exports['@portcullis/core']).toContain('PortcullisError');
  });

  it('requires every package from CommonJS with the same exports', () => {
    const esm = load('esm-consumer.mjs');
    const cjs = load('cjs-consumer.cjs');
    for (const name of Object.keys(esm)) {
      expect(cjs[name]?.filter((key) => key !== '__esModule' && key !== 'module.exports')).toEqual(
        esm[name],
      );
    }
  });
});
