import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  CHANNELS,
  type FsmConversationEvent,
  type FsmTransitionEvent,
  subscribe,
} from '../instrumentation/channels';
import { defineFlow } from './define-flow';
import { ConversationError } from './errors';
import { createMemoryConversationStorage } from './memory-storage';
import { createConversationRunner } from './runner';

const hooks: string[] = [];

const signup = defineFlow({
  id: 'signup',
  initial: 'askName',
  idleTimeoutMs: 60_000,
  states: {
    askName: {
      data: z.object({}).strict(),
      on: {
        text: {
          target: 'askAge',
          guard: ({ payload }) => typeof payload === 'string' && payload.trim() !== '',
          assign: ({ payload }) => ({ name: String(payload).trim() }),
        },
        cancel: 'cancelled',
      },
      onExit: ({ state }) => {
        hooks.push(`exit:${state}`);
      },
    },
    askAge: {
      data: z.object({ name: z.string().min(1) }),
      on: {
        age: {
          target: 'confirm',
          assign: ({ data, payload }) => ({ ...data, age: Number(payload) }),
        },
        cancel: 'cancelled',
      },
      onEnter: ({ data, event }) => {
        hooks.push(`enter:askAge:${data.name}:${event}`);
      },
    },
    confirm: {
      data: z.object({ name: z.string(), age: z.number().int().min(13).max(130) }),
      on: { yes: 'done', no: 'askName', edit: 'confirm' },
    },
    done: { final: true, onEnter: () => hooks.push('enter:done') },
    cancelled: { final: true },
  },
});

describe('createConversationRunner', () => {
  const key = '{c:1:u:2}';
  let transitions: FsmTransitionEvent[];
  let conversations: FsmConversationEvent[];
  const unsubscribes: Array<() => void> = [];

  beforeEach(() => {
    hooks.length = 0;
    transitions = [];
    conversations = [];
    unsubscribes.push(subscribe(CHANNELS.fsmTransition, (e) => transitions.push(e)));
    unsubscribes.push(subscribe(CHANNELS.fsmConversation, (e) => conversations.push(e)));
  });

  afterEach(() => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    vi.useRealTimers();
  });

  it('walks a flow to its final state, validating data, running hooks and publishing events', async () => {
    const runner = createConversationRunner({ flow: signup });
    const started = await runner.start(key, {});
    expect(started).toMatchObject({ flow: 'signup', state: 'askName', data: {} });
    const named = await runner.send(key, 'text', '  Ada ');
    expect(named).toMatchObject({
      outcome: 'transitioned',
      from: 'askName',
      to: 'askAge',
      conversation: { state: 'askAge', data: { name: 'Ada' } },
    });
    await runner.send(key, 'age', '36');
    const done = await runner.send(key, 'yes');
    expect(done).toMatchObject({ outcome: 'transitioned', to: 'done', completed: true });
    expect(await runner.get(key)).toBeUndefined();
    expect(hooks).toEqual(['exit:askName', 'enter:askAge:Ada:text', 'enter:done']);
    expect(transitions.map((t) => `${t.from}-${t.event}->${t.to}`)).toEqual([
      'askName-text->askAge',
      'askAge-age->confirm',
      'confirm-yes->done',
    ]);
    expect(transitions[0]).toEqual({
      flow: 'signup',
      from: 'askName',
      to: 'askAge',
      event: 'text',
      key,
      idleTimeoutMs: 60_000,
    });
    expect(conversations).toEqual([
      { flow: 'signup', action: 'started', key, idleTimeoutMs: 60_000 },
      { flow: 'signup', action: 'completed', key },
    ]);
  });

  it('ignores events the state does not accept and reports a failing guard, changing nothing', async () => {
    const runner = createConversationRunner({ flow: signup });
    const before = await runner.start(key, {});
    expect(await runner.send(key, 'age', '3')).toEqual({
      outcome: 'not_accepted',
      state: 'askName',
    });
    expect(await runner.send(key, 'text', '   ')).toEqual({
      outcome: 'guard_rejected',
      state: 'askName',
    });
    expect(await runner.send(key, 'toString')).toEqual({
      outcome: 'not_accepted',
      state: 'askName',
    });
    expect((await runner.get(key))?.version).toBe(before.version);
    expect(transitions).toEqual([]);
  });

  it('rejects data that fails the target state schema with invalid_state_data and keeps the old state', async () => {
    const runner = createConversationRunner({ flow: signup });
    await runner.start(key, {});
    await runner.send(key, 'text', 'Bob');
    const error = await runner.send(key, 'age', '7').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConversationError);
    expect(error).toMatchObject({ code: 'invalid_state_data', flow: 'signup' });
    expect((await runner.get(key))?.state).toBe('askAge');
    await expect(runner.start('{c:9}', { unexpected: true })).rejects.toMatchObject({
      code: 'invalid_state_data',
    });
  });

  it('runs no exit/entry hooks on a self-transition but still saves and publishes it', async () => {
    const runner = createConversationRunner({ flow: signup });
    await runner.start(key, {});
    await runner.send(key, 'text', 'Eve');
    await runner.send(key, 'age', '40');
    hooks.length = 0;
    const result = await runner.send(key, 'edit');
    expect(result).toMatchObject({ outcome: 'transitioned', from: 'confirm', to: 'confirm' });
    expect(hooks).toEqual([]);
    expect(transitions.at(-1)).toMatchObject({ from: 'confirm', to: 'confirm', event: 'edit' });
  });

  it('expires a conversation idle for idleTimeoutMs and reports it once', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const runner = createConversationRunner({ flow: signup });
    await runner.start(key, {});
    vi.advanceTimersByTime(59_999);
    expect(await runner.send(key, 'text', 'Ada')).toMatchObject({ outcome: 'transitioned' });
    vi.advanceTimersByTime(60_000);
    expect(await runner.send(key, 'age', '30')).toEqual({ outcome: 'expired' });
    expect(await runner.send(key, 'age', '30')).toEqual({ outcome: 'no_conversation' });
    expect(conversations.map((c) => c.action)).toEqual(['started', 'expired']);
  });

  it('cancels, restarts and ignores conversations of other flows', async () => {
    const storage = createMemoryConversationStorage();
    const runner = createConversationRunner({ flow: signup, storage });
    const other = createConversationRunner({
      flow: defineFlow({ id: 'other', initial: 'only', states: { only: {} } }),
      storage,
    });
    await other.start(key);
    expect(await runner.get(key)).toBeUndefined();
    expect(await runner.send(key, 'text', 'x')).toEqual({ outcome: 'no_conversation' });
    expect(await runner.cancel(key)).toBe(false);
    await runner.start(key, {});
    expect(conversations.map((c) => `${c.flow}:${c.action}`)).toEqual([
      'other:started',
      'other:cancelled',
      'signup:started',
    ]);
    expect(await runner.cancel(key)).toBe(true);
    expect(await other.get(key)).toBeUndefined();
  });

  it('fails with unknown_state when the stored state is no longer in the flow', async () => {
    const storage = createMemoryConversationStorage();
    await storage.set(
      key,
      {
        flow: 'signup',
        state: 'removedState',
        data: {},
        startedAt: Date.now(),
        updatedAt: Date.now(),
      },
      { expectedVersion: null, ttlMs: 1000 },
    );
    const runner = createConversationRunner({ flow: signup, storage });
    await expect(runner.send(key, 'text', 'x')).rejects.toMatchObject({ code: 'unknown_state' });
  });

  it('validates its options at construction', () => {
    expect(() =>
      createConversationRunner({ flow: signup, conflictRetries: -1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`conflictRetries\` to be an integer from 0 to 100, got -1]`,
    );
  });
});
