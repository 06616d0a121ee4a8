import { randomInt } from 'node:crypto';

/** What a storage keeps for one conversation (JSON-serialisable). */
export interface StoredConversation {
  /** The flow id. */
  readonly flow: string;
  /** The current state name. */
  readonly state: string;
  /** The state's data, as validated by the state's schema. */
  readonly data: unknown;
  /** When the conversation started (ms since the epoch). */
  readonly startedAt: number;
  /** When it last changed (ms since the epoch); drives the idle timeout. */
  readonly updatedAt: number;
}

/** A stored conversation with the version its next write must expect. */
export interface VersionedConversation {
  readonly value: StoredConversation;
  /** Opaque positive integer; compare for equality only. */
  readonly version: number;
}

/** Options of {@link ConversationStorage.set}. */
export interface ConversationSetOptions {
  /**
   * The version read before this write, or `null` to require that no
   * conversation exists. A mismatch throws `ConcurrentModificationError`.
   */
  readonly expectedVersion: number | null;
  /** How long the entry lives after this write. */
  readonly ttlMs: number;
}

/** Options of {@link ConversationStorage.delete}. */
export interface ConversationDeleteOptions {
  /** Delete only if the stored version is this one; otherwise throw `ConcurrentModificationError`. */
  readonly expectedVersion?: number;
}

/**
 * Where conversations live. Every write is a compare-and-set on a version, so
 * two replicas handling the same chat cannot silently overwrite each other.
 * A fresh conversation starts at a random version (not 1), so a
 * deleted-and-recreated conversation never matches a stale writer's version.
 */
export interface ConversationStorage {
  /** The conversation and its version, or `undefined` when absent or expired. */
  get(key: string): Promise<VersionedConversation | undefined>;
  /**
   * Writes when the stored version equals `expectedVersion`; resolves to the
   * new version. Throws `ConcurrentModificationError` otherwise.
   */
  set(key: string, value: StoredConversation, options: ConversationSetOptions): Promise<number>;
  /**
   * Removes the conversation; resolves to whether one existed. With
   * `expectedVersion`, throws `ConcurrentModificationError` on a mismatch.
   */
  delete(key: string, options?: ConversationDeleteOptions): Promise<boolean>;
}

// Starting versions below 2^40 leave 2^53 - 2^40 increments before precision runs out.
const MAX_START_VERSION = 2 ** 40;

/** A random starting version for a new conversation (avoids ABA after delete + recreate). */
export function freshVersion(): number {
  return randomInt(1, MAX_START_VERSION);
}
