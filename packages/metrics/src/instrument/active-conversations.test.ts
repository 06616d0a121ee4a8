import { createConversationRunner, defineFlow } from '@portcullis/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActiveConversations } from './active-conversations';
import { type Instrumentation, instrument } from './instrument';
import { catalogSamples } from './test-samples';

describe('ActiveConversations', () => {
  it('counts a conversation from its start or last move until it ends or its idle timeout passes', () => {
    const active = new ActiveConversations();
    active.touch('signup', 'a', 1000, 0);
    active.touch('signup', 'b', 1500, 500);
    active.touch('signup', 'a', 2000, 1000); // a moved: it lives on
    expect(active.counts(1200)).toEqual([['signup', 2]]);
    expect(active.counts(1600)).toEqual([['signup', 1]]);
    active.end('signup', 'a');
    // A flow seen once stays in the counts, at 0.
    expect(active.counts(1600)).toEqual([['signup', 0]]);
  });

  it('forgets expired conversations as it goes, even when nothing reads the counts', () => {
    const active = new ActiveConversations();
    for (let i = 0; i < 100_000; i++) active.touch('signup', `k${i}`, i + 10, i);
    // Only the last 10 are live; the rest were swept on the way.
    expect(active.counts(100_000 - 1)).toEqual([['signup', 10]]);
  });
});

describe('fsm_conversations_active', () => {
  let instrumentation: Instrumentation | undefined;
  afterEach(() => {
    instrumentation?.unsubscribe();
    vi.useRealTimers();
  });

  it('drops a conversation nobody touches again once its idle timeout passes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    instrumentation = instrument({ collectDefaultMetrics: false });
    const flow = defineFlow({
      id: 'signup',
      initial: 'askName',
      idleTimeoutMs: 60_000,
      states: { askName: { on: { text: 'done' } }, done: { final: true } },
    });
    const runner = createConversationRunner({ flow });
    await runner.start('chat:1');
    await runner.start('chat:2');
    await runner.start('chat:3');
    await runner.send('chat:3', 'text');
    const active = async () =>
      (await catalogSamples(instrumentation!.metrics.registry))
        .split('\n')
        .filter((line) => line.startsWith('portcullis_fsm_conversations_active'));
    expect(await active()).toEqual(['portcullis_fsm_conversations_active{flow="signup"} 2']);
    vi.setSystemTime(30_000);
    await runner.start('chat:4');
    // chat:1 and chat:2 are abandoned: their storage TTL removes them with no
    // event, so they leave the count when their idle timeout passes.
    vi.setSystemTime(61_000);
    expect(await active()).toEqual(['portcullis_fsm_conversations_active{flow="signup"} 1']);
  });
});
