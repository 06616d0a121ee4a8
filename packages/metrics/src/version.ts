import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// From src/<dir>/x.ts and from the bundled dist/index.js the manifest sits at
// different depths; take the first one that is ours.
function readVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const manifest = require(path) as { name?: string; version?: string };
      if (manifest.name === '@portcullis/metrics' && typeof manifest.version === 'string') {
        return manifest.version;
      }
    } catch {
      // Not at this depth.
    }
  }
  return '0.0.0';
}

/** The version of `@portcullis/metrics` that is running. */
export const VERSION: string = readVersion();
