import { CHANNELS, subscribe } from '@portcullis/core';
import { createMemoryEngine } from '@portcullis/redis-ratelimit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Harness, seedLimiters, startHarness } from './test-harness';

let h: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = undefined;
});

const USER = 2002;
const UNAVAILABLE = 'The shift service is unavailable right now. Please try again in a minute.';

describe('a backend that is down', () => {
  it('gets a friendly reply, opens the breaker, and recovers once the service is back', async () => {
    h = await startHarness();
    const transitions: string[] = [];
    const unsubscribe = subscribe(CHANNELS.breakerState, (e) => {
      if (e.name === 'shifts') transitions.push(`${e.from}->${e.to}`);
    });
    try {
      await h.stop('shifts');
      for (let i = 0; i < 6; i++) {
        await h.send(h.updates.command('shifts', undefined, { userId: USER }));
        expect(h.last(USER).text).toBe(UNAVAILABLE);
      }
      expect(transitions).toContain('closed->open');
      const callsWhileOpen = h.chat(USER).length;
      // Open: refused at once with the same friendly reply, no call to the service.
      await h.send(h.updates.command('shifts', undefined, { userId: USER }));
      expect(h.chat(USER)).toHaveLength(callsWhileOpen + 1);
      expect(h.last(USER).text).toBe(UNAVAILABLE);

      await h.restart('shifts');
      h.advanceBreakerClock(5_001);
      await h.send(h.updates.command('shifts', undefined, { userId: USER }));
      expect(h.last(USER).text).toContain('Your shifts (next 7 days)');
      expect(transitions).toContain('open->half-open');
      // The half-open probes succeed: the breaker closes and replies stay normal.
      for (let i = 0; i < 3; i++) {
        await h.send(h.updates.command('shifts', undefined, { userId: USER }));
        expect(h.last(USER).text).toContain('Your shifts (next 7 days)');
      }
      expect(transitions.at(-1)).toBe('half-open->closed');
    } finally {
      unsubscribe();
    }
  });

  it('answers a callback whose backend is down, and a confirm retried after recovery creates one request', async () => {
    h = await startHarness();
    await h.send(h.updates.command('request', undefined, { userId: USER }));
    const message = h.last(USER);
    await h.press(USER, h.button(message, 'req.cat:electrical'), message);
    await h.send(h.updates.text('The lights flicker in the corridor', { userId: USER }));
    await h.send(h.updates.text('Corridor B', { userId: USER }));
    const summary = h.last(USER);
    await h.press(USER, h.button(summary, 'req.urg:normal'), summary);

    await h.stop('requests');
    const confirm = await h.press(USER, h.button(summary, 'req.confirm'), summary);
    expect(h.api.answered(confirm.callback_query!.id)).toBe(true);
    expect(h.last(USER).text).toBe(
      'The request service is unavailable right now. Please try again in a minute.',
    );

    await h.restart('requests');
    await h.press(USER, h.button(summary, 'req.confirm'), summary);
    expect(summary.text).toMatch(/Request <code>[^<]+<\/code> created/);
    const page = await h.backends.listRequests({ telegramId: USER, limit: 5, offset: 0 });
    expect(page.total).toBe(1);
  });
});

describe('per-user rate limits (the seed policies)', () => {
  it('commands: 5/min + burst 2 pass, then one "slow down" reply and silence, other users unaffected', async () => {
    // Reads Date.now on every decision, so the faked Date below moves the windows.
    const engine = createMemoryEngine({ clock: () => Date.now() });
    h = await startHarness({ limiters: seedLimiters(engine) });
    for (let i = 0; i < 10; i++)
      await h.send(h.updates.command('help', undefined, { userId: USER }));
    const texts = h.chat(USER).map((m) => m.text);
    expect(texts).toHaveLength(8);
    expect(texts.slice(0, 7).every((t) => t?.includes('<b>What I can do</b>'))).toBe(true);
    expect(texts[7]).toMatch(
      /^You are sending too fast\. Please slow down and try again in \d+ s\.$/,
    );
    const seconds = Number(/in (\d+) s/.exec(texts[7]!)![1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);

    await h.send(h.updates.command('help', undefined, { userId: USER + 1 }));
    expect(h.last(USER + 1).text).toContain('<b>What I can do</b>');
    // Once the minute has passed, the user is served again.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    await h.send(h.updates.command('help', undefined, { userId: USER }));
    expect(h.chat(USER)).toHaveLength(9);
    expect(h.last(USER).text).toContain('<b>What I can do</b>');
  });

  it('messages: 20/min + burst 5 pass, then one reply; a limited callback is still answered', async () => {
    h = await startHarness({ limiters: seedLimiters() });
    for (let i = 0; i < 27; i++)
      await h.send(h.updates.text(`hello number ${i}`, { userId: USER }));
    const texts = h.chat(USER).map((m) => m.text);
    expect(texts).toHaveLength(26);
    expect(texts.filter((t) => t?.startsWith('You are sending too fast'))).toHaveLength(1);
    expect(texts.at(-1)).toMatch(/^You are sending too fast/);

    const press = await h.press(USER, 'my.page:5', { messageId: 1 } as never);
    expect(h.api.answered(press.callback_query!.id)).toBe(true);
    expect(h.chat(USER)).toHaveLength(26);
  });
});
