import type { Registry } from 'prom-client';
import { serializeRegistry } from '../exposition/serialize';

/**
 * The non-zero samples of catalog metrics, without histogram buckets — the
 * compact view tests snapshot. Test-only; not exported from the package.
 */
export async function catalogSamples(registry: Registry, prefix = 'portcullis_'): Promise<string> {
  const text = await serializeRegistry(registry, 'prometheus');
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix) && !line.includes('_bucket{'))
    .filter((line) => !line.startsWith(`${prefix}build_info`) && !line.endsWith(' 0'))
    .join('\n');
}
