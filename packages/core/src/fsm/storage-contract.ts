/**
 * The one contract every `ConversationStorage` passes (memory, Redis, Redis
 * Cluster). Imported by test files only.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPortcullisError } from '../errors/portcullis-error';
import { defineFlow } from './define-flow';
import { ConcurrentModificationError } from './errors';
import { createConversationRunner } from './runner';
import type { ConversationStorage, StoredConversation } from './storage';

/** What a storage under test needs from its harness. */
export interface StorageHarness {
  readonly storage: ConversationStorage;
  /** Lets `ms` pass for TTL purposes (a fake clock, or shortening Redis PTTLs). */
  timeTravel(ms: number): Promise<void>;
}

let counter = 0;
/** A fresh conversation key per test, as `conversationKey()` builds them. */
const freshKey = (): string => `{c:${Date.now() % 100000}${++counter}:u:${counter}}`;

const conversation = (state: string, data: unknown = {}): StoredConversation => ({
  flow: 'contract',
  state,
  data,
  startedAt: 1,
  updatedAt: 2,
});

const counterFlow = defineFlow({
  id: 'counter',
  initial: 'counting',
  idleTimeoutMs: 60 * 60_000,
  states: {
    counting: {
      data: z.object({ count: z.number().int() }),
      on: {
        increment: { target: 'counting', assign: ({ data }) => ({ count: data.count + 1 }) },
      },
    },
  },
});

async function conflictOf(promise: Promise<unknown>): Promise<ConcurrentModificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConcurrentModificationError);
  expect(isPortcullisError(error, 'concurrent_modification')).toBe(true);
  return error as ConcurrentModificationError;
}

/** Declares the shared contract tests for the storage `harness()` returns. */
export function conversationStorageContract(name: string, harness: () => StorageHarness): void {
  describe(`${name} conversation storage contract`, () => {
    const ttlMs = 60_000;

    it('returns undefined for a conversation that was never stored', async () => {
      expect(await harness().storage.get(freshKey())).toBeUndefined();
    });

    it('creates with expectedVersion null and reads back the same value and version', async () => {
      const { storage } = harness();
      const key = freshKey();
      const value = conversation('ask', { name: 'Zoë 🦊', nested: { list: [1, 'two', null] } });
      const version = await storage.set(key, value, { expectedVersion: null, ttlMs });
      expect(Number.isSafeInteger(version) && version > 0).toBe(true);
      expect(await storage.get(key)).toEqual({ value, version });
    });

    it('refuses to create over an existing conversation, naming the version found', async () => {
      const { storage } = harness();
      const key = freshKey();
      const version = await storage.set(key, conversation('a'), { expectedVersion: null, ttlMs });
      const error = await conflictOf(
        storage.set(key, conversation('b'), { expectedVersion: null, ttlMs }),
      );
      expect(error).toMatchObject({ key, expectedVersion: null, actualVersion: version });
      expect((await storage.get(key))?.value.state).toBe('a');
    });

    it('writes with the current version, returning a new one, and refuses a stale version', async () => {
      const { storage } = harness();
      const key = freshKey();
      const v1 = await storage.set(key, conversation('a'), { expectedVersion: null, ttlMs });
      const v2 = await storage.set(key, conversation('b'), { expectedVersion: v1, ttlMs });
      expect(v2).not.toBe(v1);
      const error = await conflictOf(
        storage.set(key, conversation('stale'), { expectedVersion: v1, ttlMs }),
      );
      expect(error.actualVersion).toBe(v2);
      expect(await storage.get(key)).toEqual({ value: conversation('b'), version: v2 });
    });

    it('refuses an update of a conversation that does not exist', async () => {
      const { storage } = harness();
      const error = await conflictOf(
        storage.set(freshKey(), conversation('a'), { expectedVersion: 7, ttlMs }),
      );
      expect(error.actualVersion).toBeNull();
    });

    it('deletes unconditionally or only at the expected version', async () => {
      const { storage } = harness();
      const key = freshKey();
      const v1 = await storage.set(key, conversation('a'), { expectedVersion: null, ttlMs });
      await conflictOf(storage.delete(key, { expectedVersion: v1 + 1 }));
      expect(await storage.get(key)).toBeDefined();
      expect(await storage.delete(key, { expectedVersion: v1 })).toBe(true);
      expect(await storage.get(key)).toBeUndefined();
      expect(await storage.delete(key)).toBe(false);
      await storage.set(key, conversation('a'), { expectedVersion: null, ttlMs });
      expect(await storage.delete(key)).toBe(true);
    });

    it('never reuses a version after delete and re-create, so a stale writer cannot win (no ABA)', async () => {
      const { storage } = harness();
      const key = freshKey();
      const old = await storage.set(key, conversation('a'), { expectedVersion: null, ttlMs });
      await storage.delete(key);
      const recreated = await storage.set(key, conversation('b'), { expectedVersion: null, ttlMs });
      expect(recreated).not.toBe(old);
      await conflictOf(storage.set(key, conversation('stale'), { expectedVersion: old, ttlMs }));
    });

    it('expires a conversation ttlMs after its last write, each write extending it', async () => {
      const h = harness();
      const key = freshKey();
      const v1 = await h.storage.set(key, conversation('a'), {
        expectedVersion: null,
        ttlMs: 1000,
      });
      await h.timeTravel(600);
      await h.storage.set(key, conversation('b'), { expectedVersion: v1, ttlMs: 1000 });
      await h.timeTravel(600);
      expect((await h.storage.get(key))?.value.state).toBe('b');
      await h.timeTravel(500);
      expect(await h.storage.get(key)).toBeUndefined();
      // An expired conversation is gone: creating again needs expectedVersion null.
      await h.storage.set(key, conversation('c'), { expectedVersion: null, ttlMs: 1000 });
    });

    it('keeps conversations under different keys apart', async () => {
      const { storage } = harness();
      const [a, b] = [freshKey(), freshKey()];
      await storage.set(a, conversation('a'), { expectedVersion: null, ttlMs });
      await storage.set(b, conversation('b'), { expectedVersion: null, ttlMs });
      await storage.delete(a);
      expect((await storage.get(b))?.value.state).toBe('b');
    });

    it('lets exactly one of many concurrent writers at the same version win', async () => {
      const { storage } = harness();
      const key = freshKey();
      const v1 = await storage.set(key, conversation('start'), { expectedVersion: null, ttlMs });
      const writers = Array.from({ length: 8 }, (_, i) =>
        storage.set(key, conversation(`w${i}`), { expectedVersion: v1, ttlMs }),
      );
      const results = await Promise.allSettled(writers);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(7);
      for (const r of lost) expect(r.reason).toBeInstanceOf(ConcurrentModificationError);
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect((await storage.get(key))?.value.state).toBe(`w${winner}`);
    });

    it('loses no transition when two replicas race on one conversation: losers get ConcurrentModificationError', async () => {
      const { storage } = harness();
      const key = freshKey();
      // Two gateway replicas: two runners over one storage, no retries.
      const replicaA = createConversationRunner({ flow: counterFlow, storage, conflictRetries: 0 });
      const replicaB = createConversationRunner({ flow: counterFlow, storage, conflictRetries: 0 });
      await replicaA.start(key, { count: 0 });
      const sends = Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? replicaA : replicaB).send(key, 'increment'),
      );
      const results = await Promise.allSettled(sends);
      const applied = results.filter((r) => r.status === 'fulfilled').length;
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrentModificationError);
      }
      // A real race happened (someone lost), and still no transition was lost.
      expect(applied).toBeGreaterThanOrEqual(1);
      expect(applied).toBeLessThan(10);
      expect((await replicaB.get(key))?.data).toEqual({ count: applied });
    });

    it('applies every transition when racing replicas retry on conflict', async () => {
      const { storage } = harness();
      const key = freshKey();
      const replicaA = createConversationRunner({
        flow: counterFlow,
        storage,
        conflictRetries: 20,
      });
      const replicaB = createConversationRunner({
        flow: counterFlow,
        storage,
        conflictRetries: 20,
      });
      await replicaA.start(key, { count: 0 });
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? replicaA : replicaB).send(key, 'increment'),
        ),
      );
      expect((await replicaA.get(key))?.data).toEqual({ count: 6 });
    });
  });
}
