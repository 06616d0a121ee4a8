import diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNELS, type ErrorEvent, isPortcullisError, PortcullisError } from '@portcullis/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramApiError } from '../client/errors';
import { createTestClock, settle, type TestClock } from '../testing/test-clock';
import type { OutboundPacer, OutboundPacerRequest } from './pacer';
import { createOutboundScheduler, type OutboundSchedulerOptions } from './scheduler';

/** A shared "next free slot" per chat, as replicas would see it in Redis. */
function slotPacer(clock: TestClock, spacingMs = 1000) {
  const next = new Map<string | undefined, number>();
  const requests: OutboundPacerRequest[] = [];
  const pacer: OutboundPacer = {
    async reserve(request) {
      requests.push(request);
      const now = clock.now();
      const at = Math.max(now, next.get(request.chatId) ?? 0);
      if (at - now > request.maxWaitMs) return { reserved: false, waitMs: at - now };
      next.set(request.chatId, at + spacingMs);
      return { reserved: true, waitMs: at - now };
    },
  };
  return { pacer, requests };
}

function replica(clock: TestClock, options: OutboundSchedulerOptions) {
  const scheduler = createOutboundScheduler({ clock, ...options });
  const sent: { chat: number; at: number; label?: string }[] = [];
  const send = (chat: number, label?: string, extra: { deadlineMs?: number } = {}) =>
    scheduler.schedule({ chatId: chat, limited: true, ...extra }, async () => {
      sent.push({ chat, at: clock.now(), label });
      return label;
    });
  return { scheduler, sent, send };
}

const gaps = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((t, i) => t - sorted[i]!);
};

const errors: ErrorEvent[] = [];
const onError = (message: unknown) => errors.push(message as ErrorEvent);
diagnosticsChannel.subscribe(CHANNELS.error, onError);
afterEach(() => {
  errors.length = 0;
});

describe('outbound scheduler with a shared pacer', () => {
  it('two replicas sharing a pacer send to one chat at most once per second together', async () => {
    const clock = createTestClock(0);
    const { pacer } = slotPacer(clock);
    const a = replica(clock, { pacer });
    const b = replica(clock, { pacer });
    for (let i = 0; i < 3; i++) {
      void a.send(1);
      void b.send(1);
    }
    await clock.advanceAsync(6500, 50);
    const times = [...a.sent, ...b.sent].map((s) => s.at).sort((x, y) => x - y);
    expect(times).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('two replicas send everything and keep each chat a second apart, up to the clock step (property)', async () => {
    // A send lands on its slot once the pacer's answer is read; the test clock
    // reads it at the end of a step, so a send may trail its slot by one step.
    const stepMs = 10;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            replica: fc.constantFrom(0, 1),
            chat: fc.constantFrom(1, 2, -10),
            at: fc.integer({ min: 0, max: 3000 }),
          }),
          { maxLength: 12 },
        ),
        async (jobs) => {
          const clock = createTestClock(0);
          const { pacer } = slotPacer(clock);
          const options = { pacer, defaultDeadlineMs: 10 * 60_000 };
          const replicas = [replica(clock, options), replica(clock, options)];
          const results: Promise<unknown>[] = [];
          for (const job of [...jobs].sort((a, b) => a.at - b.at)) {
            await clock.advanceAsync(job.at - clock.now(), stepMs);
            results.push(replicas[job.replica]!.send(job.chat));
          }
          await clock.advanceAsync(16_000, stepMs);
          await Promise.all(results);
          const sent = replicas.flatMap((r) => r.sent);
          expect(sent).toHaveLength(jobs.length);
          for (const chat of [1, 2, -10]) {
            const between = gaps(sent.filter((s) => s.chat === chat).map((s) => s.at));
            expect(between.every((gap) => gap >= 1000 - stepMs)).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('without a pacer the same two replicas each send once per second (twice together)', async () => {
    const clock = createTestClock(0);
    const a = replica(clock, {});
    const b = replica(clock, {});
    for (let i = 0; i < 2; i++) {
      void a.send(1);
      void b.send(1);
    }
    await clock.advanceAsync(1500, 50);
    expect([...a.sent, ...b.sent].map((s) => s.at).sort((x, y) => x - y)).toEqual([
      0, 0, 1000, 1000,
    ]);
  });

  it('does not slow other chats while one chat waits for its slot', async () => {
    const clock = createTestClock(0);
    const { pacer } = slotPacer(clock);
    const a = replica(clock, { pacer });
    const b = replica(clock, { pacer });
    void a.send(1);
    void b.send(1);
    void b.send(2);
    void b.send(3);
    await clock.advanceAsync(200, 10);
    expect(b.sent.map((s) => [s.chat, s.at])).toEqual([
      [2, 0],
      [3, 0],
    ]);
    await clock.advanceAsync(1000, 10);
    expect(b.sent.map((s) => [s.chat, s.at])).toContainEqual([1, 1000]);
  });

  it('keeps a chat in order while its first call waits for a slot', async () => {
    const clock = createTestClock(0);
    const { pacer } = slotPacer(clock);
    const other = replica(clock, { pacer, perChatPerSecond: 100 });
    const mine = replica(clock, { pacer, perChatPerSecond: 100 });
    void other.send(1);
    for (const label of ['a', 'b', 'c']) void mine.send(1, label);
    await clock.advanceAsync(3500, 50);
    expect(mine.sent.map((s) => [s.label, s.at])).toEqual([
      ['a', 1000],
      ['b', 2000],
      ['c', 3000],
    ]);
  });

  it('keeps its own limits when the pacer lets everything go', async () => {
    const clock = createTestClock(0);
    const pacer: OutboundPacer = { reserve: async () => ({ reserved: true, waitMs: 0 }) };
    const { sent, send } = replica(clock, { pacer });
    for (let i = 0; i < 3; i++) void send(1);
    await clock.advanceAsync(2500, 50);
    expect(sent.map((s) => s.at)).toEqual([0, 1000, 2000]);
  });

  it('asks for the group flag and the time left before the deadline', async () => {
    const clock = createTestClock(0);
    const { pacer, requests } = slotPacer(clock);
    const { send } = replica(clock, { pacer });
    await Promise.all([send(-100, 'g', { deadlineMs: 5000 }), clock.advanceAsync(10, 1)]);
    expect(requests).toEqual([{ chatId: '-100', group: true, maxWaitMs: 5000 }]);
  });

  it('rejects at once with outbound_deadline_exceeded when the slot is beyond the deadline', async () => {
    const clock = createTestClock(0);
    const { pacer } = slotPacer(clock, 10_000);
    const a = replica(clock, { pacer });
    const b = replica(clock, { pacer });
    void a.send(1);
    const late = b.send(1, 'late', { deadlineMs: 3000 }).catch((e: unknown) => e);
    await clock.advanceAsync(50, 10);
    const error = await late;
    expect(isPortcullisError(error, 'outbound_deadline_exceeded')).toBe(true);
    expect((error as Error).message).toMatchInlineSnapshot(
      `"Outbound call cannot be sent within its deadline of 3000 ms: its shared slot was 10000 ms away"`,
    );
    expect(b.scheduler.depth).toBe(0);
  });

  it('does not ask the pacer for calls that do not send messages', async () => {
    const clock = createTestClock(0);
    const { pacer, requests } = slotPacer(clock);
    const scheduler = createOutboundScheduler({ clock, pacer });
    expect(await scheduler.schedule({ chatId: 1 }, async () => 'ok')).toBe('ok');
    expect(requests).toEqual([]);
  });

  it('falls back to local limits and publishes an error when the pacer fails', async () => {
    const clock = createTestClock(0);
    let calls = 0;
    const pacer: OutboundPacer = {
      async reserve() {
        calls++;
        throw new PortcullisError('rate_limiter_unavailable', 'Redis is down');
      },
    };
    const { sent, send } = replica(clock, { pacer, pacerBackoffMs: 5000 });
    for (let i = 0; i < 3; i++) void send(1);
    await clock.advanceAsync(2500, 50);
    expect(sent.map((s) => s.at)).toEqual([0, 1000, 2000]);
    expect(errors).toEqual([{ code: 'rate_limiter_unavailable', where: 'outbound' }]);
    // Skipped during the backoff, asked again after it.
    expect(calls).toBe(1);
    await clock.advanceAsync(5000, 100);
    void send(1);
    await clock.advanceAsync(100, 10);
    expect(calls).toBe(2);
    expect(sent).toHaveLength(4);
  });

  it('falls back when the pacer does not answer within pacerTimeoutMs', async () => {
    const clock = createTestClock(0);
    const pacer: OutboundPacer = { reserve: () => new Promise(() => {}) };
    const { sent, send } = replica(clock, { pacer, pacerTimeoutMs: 300 });
    void send(1);
    await clock.advanceAsync(290, 10);
    expect(sent).toEqual([]);
    await clock.advanceAsync(20, 10);
    expect(sent.map((s) => s.at)).toEqual([300]);
    expect(errors).toEqual([{ code: 'rate_limiter_unavailable', where: 'outbound' }]);
  });

  it('holds a call whose slot comes during a 429 cooldown of its chat, in order, until it ends', async () => {
    const clock = createTestClock(0);
    const pacer: OutboundPacer = {
      reserve: async () => ({ reserved: true, waitMs: 500 }),
    };
    const scheduler = createOutboundScheduler({ clock, pacer, perChatPerSecond: 100 });
    const at: [string, number][] = [];
    let floods = 1;
    const call = (label: string) =>
      scheduler.schedule({ chatId: 9, limited: true }, async () => {
        at.push([label, clock.now()]);
        if (floods-- > 0) {
          // On the wire for 200 ms, then Telegram answers 429.
          await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 200));
          throw new TelegramApiError('sendMessage', 429, 'Too Many Requests', { retry_after: 3 });
        }
        return label;
      });
    const results = [call('first'), call('second'), call('third')];
    await clock.advanceAsync(6000, 10);
    expect(await Promise.all(results)).toEqual(['first', 'second', 'third']);
    // The second's slot (at 1010) fell inside the cooldown that ends at 3700.
    expect(at[0]).toEqual(['first', 500]);
    expect(at.slice(1).map(([label]) => label)).toEqual(['first', 'second', 'third']);
    expect(at.slice(1).every(([, t]) => t >= 3700)).toBe(true);
  });

  it('rejects calls waiting for their slot when closed', async () => {
    const clock = createTestClock(0);
    const { pacer } = slotPacer(clock);
    const a = replica(clock, { pacer });
    const b = replica(clock, { pacer });
    void a.send(1);
    const waiting = b.send(1).catch((e: unknown) => e);
    await settle();
    expect(b.scheduler.depth).toBe(1);
    b.scheduler.close();
    expect(isPortcullisError(await waiting, 'outbound_queue_full')).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects an invalid pacer', () => {
    expect(() =>
      createOutboundScheduler({ pacer: {} as OutboundPacer, pacerTimeoutMs: 1 }),
    ).toThrow('Expected `pacer` to be an object with reserve()');
  });
});
