import { MapTrimmer } from '../collections/map-trimmer';
import { invalidOption } from '../errors/portcullis-error';
import { ConcurrentModificationError } from './errors';
import {
  type ConversationDeleteOptions,
  type ConversationSetOptions,
  type ConversationStorage,
  freshVersion,
  type StoredConversation,
  type VersionedConversation,
} from './storage';

/** Options of {@link createMemoryConversationStorage}. */
export interface MemoryConversationStorageOptions {
  /**
   * Most conversations kept; past it the least recently written is dropped.
   * @default 100000
   */
  readonly maxEntries?: number;
  /** Clock in ms since the epoch (tests pass a fake one). @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  /** JSON, so the memory storage behaves exactly like Redis (no shared references, no Dates). */
  readonly json: string;
  readonly version: number;
  readonly expiresAt: number;
}

/** How many entries each write inspects for expiry, going round the map. */
const SWEEP_PER_WRITE = 8;

/**
 * The embedded conversation storage: one process, no Redis. Entries expire
 * after their TTL and the map is bounded by `maxEntries`. Same semantics as
 * the Redis storage (same contract tests), including compare-and-set.
 *
 * @example
 * ```ts
 * const storage = createMemoryConversationStorage({ maxEntries: 10_000 });
 * ```
 */
export function createMemoryConversationStorage(
  options: MemoryConversationStorageOptions = {},
): ConversationStorage & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw invalidOption('maxEntries', 'a positive integer', maxEntries);
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw invalidOption('now', 'a function', typeof now);
  // Map order = write order: re-inserting on each write makes the first entry the least recently written.
  const entries = new Map<string, Entry>();

  const live = (key: string, at: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= at) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  // A long-lived iterator instead of a fresh one from the front on every
  // write: V8 keeps deleted Map entries as holes until it rebuilds the table,
  // and a new iterator walks past all of them (at capacity that made each
  // write O(entries), 20-50x slower). `hand` goes round all entries, a few
  // per write, deleting expired ones; it moves on every write, so it never
  // holds old tables alive. The least recently written go through a
  // {@link MapTrimmer}.
  let hand: Iterator<[string, Entry]> = entries.entries();
  const trimmer = new MapTrimmer(entries);

  const sweep = (at: number): void => {
    let restarted = false;
    for (let inspected = 0; inspected < SWEEP_PER_WRITE; inspected++) {
      let next = hand.next();
      if (next.done === true) {
        if (restarted) break;
        restarted = true;
        hand = entries.entries();
        next = hand.next();
        if (next.done === true) break;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt <= at) entries.delete(key);
    }
    trimmer.trim(maxEntries);
  };

  return {
    get size() {
      return entries.size;
    },
    async get(key: string): Promise<VersionedConversation | undefined> {
      const entry = live(key, now());
      if (entry === undefined) return undefined;
      return { value: JSON.parse(entry.json) as StoredConversation, version: entry.version };
    },
    async set(
      key: string,
      value: StoredConversation,
      setOptions: ConversationSetOptions,
    ): Promise<number> {
      const { expectedVersion, ttlMs } = setOptions;
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
        throw invalidOption('ttlMs', 'a positive number', ttlMs);
      }
      const json = JSON.stringify(value);
      const at = now();
      const current = live(key, at);
      const actual = current?.version ?? null;
      if (actual !== expectedVersion) {
        throw new ConcurrentModificationError(key, expectedVersion, actual);
      }
      const version = current === undefined ? freshVersion() : current.version + 1;
      entries.delete(key);
      entries.set(key, { json, version, expiresAt: at + ttlMs });
      sweep(at);
      return version;
    },
    async delete(key: string, deleteOptions: ConversationDeleteOptions = {}): Promise<boolean> {
      const current = live(key, now());
      const expected = deleteOptions.expectedVersion;
      if (expected !== undefined && current?.version !== expected) {
        throw new ConcurrentModificationError(key, expected, current?.version ?? null);
      }
      return entries.delete(key);
    },
  };
}
