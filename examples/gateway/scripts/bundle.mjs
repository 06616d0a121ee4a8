#!/usr/bin/env node
// Bundles the gateway and the example services into self-contained ESM files
// (workspace packages and npm dependencies included), so the Docker runtime
// stage needs neither node_modules nor TypeScript:
//
//   node examples/gateway/scripts/bundle.mjs --outdir /out            # everything
//   node examples/gateway/scripts/bundle.mjs --outdir dist users-service
//
// Writes <outdir>/<name>.js (+ .js.map) for each entry.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const repo = resolve(import.meta.dirname, '../../..');
const ENTRIES = {
  gateway: 'examples/gateway/src/main.ts',
  'users-service': 'examples/services/users/src/main.ts',
  'requests-service': 'examples/services/requests/src/main.ts',
  'shifts-service': 'examples/services/shifts/src/main.ts',
  'admin-service': 'examples/services/admin/src/main.ts',
};

const { values, positionals } = parseArgs({
  options: { outdir: { type: 'string', default: 'dist' } },
  allowPositionals: true,
});
const names = positionals.length > 0 ? positionals : Object.keys(ENTRIES);
const entryPoints = {};
for (const name of names) {
  const entry = ENTRIES[name];
  if (entry === undefined) {
    console.error(`bundle: unknown entry "${name}"; known: ${Object.keys(ENTRIES).join(', ')}`);
    process.exit(2);
  }
  if (!existsSync(resolve(repo, entry))) {
    console.error(`bundle: ${entry} does not exist`);
    process.exit(1);
  }
  entryPoints[name] = resolve(repo, entry);
}

await build({
  entryPoints,
  outdir: resolve(values.outdir),
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'esm',
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // pg's optional native binding is never installed; CommonJS dependencies
  // (ioredis, pg) call require() for node built-ins, which ESM output lacks.
  external: ['pg-native'],
  banner: {
    js: "import { createRequire as __portcullisCreateRequire } from 'node:module'; const require = __portcullisCreateRequire(import.meta.url);",
  },
});
console.log(
  `bundle: wrote ${names.map((name) => `${name}.js`).join(', ')} to ${resolve(values.outdir)}`,
);
