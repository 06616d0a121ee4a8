import { afterEach, describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient } from '../client/api-client';
import { type BotApiTestServer, createBotApiTestServer } from '../testing/bot-api-server';
import { createTestClock, type TestClock } from '../testing/test-clock';
import { scheduleApi } from './scheduled-api';
import { createOutboundScheduler } from './scheduler';

let server: BotApiTestServer;
afterEach(async () => server?.close());

/** Steps the clock and waits (bounded, real time) until no call is on the wire. */
async function run(clock: TestClock, inFlight: () => number, totalMs: number, stepMs = 50) {
  for (let t = 0; t < totalMs; t += stepMs) {
    for (let i = 0; i < 500 && inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 1));
    clock.advance(stepMs);
  }
}

describe('outbound flood control against the test server', () => {
  it('a 429 storm on one chat does not delay other chats beyond their own limits', async () => {
    const clock = createTestClock(0);
    server = await createBotApiTestServer({ clock });
    let onWire = 0;
    const client = createApiClient({ token: server.token, apiRoot: server.apiRoot });
    const counted: ApiClient = {
      close: () => client.close(),
      call: async (method, params, options) => {
        onWire++;
        try {
          return await client.call(method, params, options);
        } finally {
          onWire--;
        }
      },
    };
    const api = scheduleApi(counted, createOutboundScheduler({ clock, maxAttempts: 10 }));
    server.inject('sendMessage', { type: 'flood', retryAfter: 2 }, { chatId: 1, times: 50 });
    const stormy = Array.from({ length: 5 }, (_, i) =>
      api.call('sendMessage', { chat_id: 1, text: `storm ${i}` }).catch((e) => e),
    );
    const calm = Array.from({ length: 3 }, (_, i) =>
      api.call('sendMessage', { chat_id: 2, text: `calm ${i}` }),
    );
    await run(clock, () => onWire, 3000);
    await Promise.all(calm);
    const calmAt = server
      .callsOf('sendMessage')
      .filter((c) => c.params.chat_id === 2)
      .map((c) => c.at);
    expect(calmAt).toEqual([0, 1000, 2000]);
    // The stormy chat made one attempt per cooldown, not one per queued message.
    const stormAttempts = server.callsOf('sendMessage').filter((c) => c.params.chat_id === 1);
    expect(stormAttempts.map((c) => c.at)).toEqual([0, 2000]);
    expect(stormy).toHaveLength(5);
    await client.close();
  });
});
