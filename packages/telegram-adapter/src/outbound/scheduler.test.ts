import { isPortcullisError } from '@portcullis/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TelegramApiError } from '../client/errors';
import { createTestClock, settle } from '../testing/test-clock';
import { createOutboundScheduler } from './scheduler';

function setup(options = {}) {
  const clock = createTestClock(0);
  const scheduler = createOutboundScheduler({ clock, ...options });
  const sent: { chat: number | string; at: number; label?: string }[] = [];
  const send = (chat: number | string, label?: string, priority?: 'reply' | 'broadcast') =>
    scheduler.schedule({ chatId: chat, limited: true, priority }, async () => {
      sent.push({ chat, at: clock.now(), label });
      return label;
    });
  return { clock, scheduler, sent, send };
}

describe('outbound scheduler', () => {
  it('sends at most one message per second to one chat', async () => {
    const { clock, sent, send } = setup();
    for (let i = 0; i < 3; i++) void send(1);
    await clock.advanceAsync(2500, 100);
    expect(sent.map((s) => s.at)).toEqual([0, 1000, 2000]);
  });

  it('limits a group to 20 messages in any minute', async () => {
    const { clock, sent, send } = setup({ perChatPerSecond: 100, defaultDeadlineMs: 120_000 });
    for (let i = 0; i < 22; i++) void send(-100);
    await clock.advanceAsync(1000, 100);
    expect(sent).toHaveLength(20);
    await clock.advanceAsync(58_000, 1000);
    expect(sent).toHaveLength(20);
    await clock.advanceAsync(1100, 100);
    // The 21st leaves when the 1st leaves the window, the 22nd when the 2nd does.
    expect(sent.slice(20).map((s) => s.at)).toEqual([sent[0]!.at + 60_000, sent[1]!.at + 60_000]);
  });

  it('sends at most globalPerSecond messages in any second over all chats', async () => {
    const { clock, sent, send } = setup({ globalPerSecond: 30 });
    for (let chat = 1; chat <= 40; chat++) void send(chat);
    await settle();
    expect(sent).toHaveLength(30);
    await clock.advanceAsync(990, 10);
    expect(sent).toHaveLength(30);
    await clock.advanceAsync(20, 10);
    expect(sent).toHaveLength(40);
  });

  it('never exceeds any limit and sends everything, for any workload (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            chat: fc.constantFrom(1, 2, 3, -10, -11),
            priority: fc.constantFrom('reply', 'normal', 'broadcast'),
            at: fc.integer({ min: 0, max: 3000 }),
          }),
          { maxLength: 60 },
        ),
        async (jobs) => {
          const { clock, sent, scheduler } = setup({
            globalPerSecond: 4,
            perGroupPerMinute: 5,
            maxQueueSize: 1000,
            defaultDeadlineMs: 10 * 60_000,
          });
          const results: Promise<unknown>[] = [];
          for (const job of [...jobs].sort((a, b) => a.at - b.at)) {
            await clock.advanceAsync(job.at - clock.now(), 100);
            results.push(
              scheduler.schedule(
                { chatId: job.chat, limited: true, priority: job.priority as 'reply' },
                async () => {
                  sent.push({ chat: job.chat, at: clock.now() });
                },
              ),
            );
          }
          await clock.advanceAsync(5 * 60_000, 1000);
          await Promise.all(results);
          expect(sent).toHaveLength(jobs.length);
          const times = (chat?: number) =>
            sent.filter((s) => chat === undefined || s.chat === chat).map((s) => s.at);
          const maxIn = (list: number[], windowMs: number) =>
            Math.max(0, ...list.map((t) => list.filter((u) => u >= t && u < t + windowMs).length));
          expect(maxIn(times(), 1000)).toBeLessThanOrEqual(4);
          for (const chat of [1, 2, 3, -10, -11])
            expect(maxIn(times(chat), 1000)).toBeLessThanOrEqual(1);
          for (const group of [-10, -11])
            expect(maxIn(times(group), 60_000)).toBeLessThanOrEqual(5);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('serves replies before broadcasts that waited longer', async () => {
    const { clock, sent, send } = setup({ globalPerSecond: 1 });
    void send(1, 'first');
    void send(2, 'broadcast', 'broadcast');
    void send(3, 'reply', 'reply');
    await clock.advanceAsync(2500, 100);
    expect(sent.map((s) => s.label)).toEqual(['first', 'reply', 'broadcast']);
  });

  it('rejects with outbound_queue_full when the queue is at its bound', async () => {
    const { send } = setup({ maxQueueSize: 2 });
    void send(1);
    void send(1).catch(() => {});
    void send(1).catch(() => {});
    const error = await send(1).catch((e) => e);
    expect(isPortcullisError(error, 'outbound_queue_full')).toBe(true);
  });

  it('rejects a call that waits past its deadline', async () => {
    const { clock, scheduler } = setup();
    const call = () =>
      scheduler.schedule({ chatId: 1, limited: true, deadlineMs: 500 }, async () => 1);
    void call();
    const late = call().catch((e) => e);
    await clock.advanceAsync(600, 100);
    expect(isPortcullisError(await late, 'outbound_deadline_exceeded')).toBe(true);
  });

  it('pauses every queued call of a chat for retry_after after one 429, then retries', async () => {
    const { clock, scheduler, sent } = setup({ perChatPerSecond: 100 });
    let floods = 1;
    const at: number[] = [];
    const call = () =>
      scheduler.schedule({ chatId: 9, limited: true }, async () => {
        at.push(clock.now());
        if (floods-- > 0)
          throw new TelegramApiError('sendMessage', 429, 'Too Many Requests', { retry_after: 3 });
        return 'ok';
      });
    const results = [call(), call(), call()];
    await clock.advanceAsync(5000, 50);
    expect(await Promise.all(results)).toEqual(['ok', 'ok', 'ok']);
    expect(at[0], String(at)).toBe(0);
    expect(
      at.slice(1).every((t) => t >= 3000),
      String(at),
    ).toBe(true);
    expect(sent).toHaveLength(0);
  });

  it('caps a huge retry_after and surfaces it as an error', async () => {
    const { clock, scheduler } = setup({ maxRetryAfterSeconds: 60 });
    const error = await scheduler
      .schedule({ chatId: 9, limited: true }, async () => {
        throw new TelegramApiError('sendMessage', 429, 'Too Many Requests', {
          retry_after: 86_400,
        });
      })
      .catch((e) => e);
    expect(isPortcullisError(error, 'telegram_flood_wait')).toBe(true);
    expect(scheduler.cooldownUntil(9)).toBe(clock.now() + 60_000);
  });

  it('does not pace calls that do not send messages', async () => {
    const { scheduler } = setup();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => scheduler.schedule({ chatId: 1 }, async () => i)),
    );
    expect(results).toEqual([0, 1, 2, 3, 4]);
  });

  it('forgets idle chats under steady traffic, when the queue never empties', async () => {
    const { clock, scheduler, sent, send } = setup({
      globalPerSecond: 1000,
      defaultDeadlineMs: 600_000,
    });
    // Chat 0 keeps the queue busy for 20 s (one message per second).
    for (let i = 0; i < 20; i++) void send(0);
    // Meanwhile 5000 new chats get one message each over 10 s.
    for (let chat = 1; chat <= 5000; chat++) {
      void send(chat);
      if (chat % 10 === 0) await clock.advanceAsync(20, 20);
    }
    expect(scheduler.depth).toBeGreaterThan(0);
    expect(sent.filter((s) => s.chat !== 0)).toHaveLength(5000);
    // Only chats served in about the last second still hold state (plus slack
    // for the amortised sweep), not one entry per chat ever seen.
    expect(scheduler.trackedChats).toBeLessThan(2500);
  });

  it('rejects a waiting call at its own deadline, even behind an earlier call of its chat', async () => {
    const { clock, scheduler, sent, send } = setup();
    void send(1, 'first');
    void send(1, 'second');
    const short = scheduler
      .schedule({ chatId: 1, limited: true, deadlineMs: 300 }, async () => 'short')
      .catch((error: unknown) => ({ error, at: clock.now() }));
    await clock.advanceAsync(400, 100);
    expect(await short).toMatchObject({ at: 300 });
    await clock.advanceAsync(1000, 100);
    expect(sent.map((s) => s.label)).toEqual(['first', 'second']);
  });

  it('serves a burst of 20,000 queued calls in arrival order at the global rate', async () => {
    const { clock, scheduler, sent, send } = setup({
      globalPerSecond: 1000,
      maxQueueSize: 20_000,
      defaultDeadlineMs: 60_000,
    });
    const results = Array.from({ length: 20_000 }, (_, i) => send(i + 1));
    expect(scheduler.depth).toBe(19_000);
    await clock.advanceAsync(19_000, 500);
    await Promise.all(results);
    expect(sent.map((s) => s.chat)).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    // The k-th thousand leaves when the first thousand's times leave the window.
    expect(sent.every((s, i) => s.at === Math.floor(i / 1000) * 1000)).toBe(true);
    expect(scheduler.depth).toBe(0);
  });

  it('rejects invalid options', () => {
    expect(() => createOutboundScheduler({ globalPerSecond: 0 })).toThrow(
      'Expected `globalPerSecond` to be a positive integer, got 0',
    );
  });
});
