import diagnosticsChannel from 'node:diagnostics_channel';
import { connect, type Socket } from 'node:net';
import type { Gateway } from '@portcullis/example-gateway/src/gateway';
import { createSigner, SIGNING_CHANNELS, type SigningVerifyEvent } from '@portcullis/signing';
import {
  type BotApiTestServer,
  createBotApiTestServer,
  createUpdateFactory,
} from '@portcullis/telegram-adapter/testing';
import { freePort, type RedisServer, startRedisServer } from '@portcullis/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, gatewayEnv, startGateway, WEBHOOK_PATH } from '../harness/gateway';
import { metric, postUpdate, scrape } from '../harness/http';
import { type Services, SIGNING_KEY, startServices } from '../harness/services';

let services: Services;
let api: BotApiTestServer;
let redis: RedisServer;
let gateway: Gateway;
const updates = createUpdateFactory({ firstUpdateId: 1 });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  services = await startServices();
  api = await createBotApiTestServer({ token: BOT_TOKEN });
  redis = await startRedisServer();
  gateway = await startGateway(
    gatewayEnv({ services, apiRoot: api.apiRoot, port: await freePort(), redisUrl: redis.url }),
  );
});

afterAll(async () => {
  await gateway?.stop();
  await api?.close();
  await services?.close();
  await redis?.stop();
});

const outcomes = async () => {
  const text = await scrape(gateway.url());
  const of = (outcome: string) => metric(text, 'portcullis_webhook_requests_total', { outcome });
  return {
    accepted: of('accepted'),
    badBody: of('bad_body'),
    badSecret: of('bad_secret'),
    tooLarge: of('too_large'),
  };
};

async function healthy(): Promise<void> {
  expect((await fetch(`${gateway.url()}/health`)).status).toBe(200);
  expect(await postUpdate(gateway.url(), updates.command('help', undefined, { userId: 7 }))).toBe(
    200,
  );
}

describe('bad input at the webhook', () => {
  // Paced under the webhook's own limit (100/s): every answer is the webhook's verdict.
  it('rejects fuzzed bodies with 400, never a 5xx, and counts each one', async () => {
    const before = await outcomes();
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json({ maxDepth: 3 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
          fc
            .record({ update_id: fc.oneof(fc.string(), fc.double(), fc.constant(null)) })
            .map((o) => JSON.stringify(o)),
        ),
        async (body) => {
          const status = await postUpdate(gateway.url(), body);
          expect([200, 400]).toContain(status);
          if (status === 400) rejected++;
          await pause(12);
        },
      ),
      { numRuns: 100 },
    );
    const after = await outcomes();
    expect(rejected).toBeGreaterThan(50);
    expect(after.badBody - before.badBody).toBe(rejected);
    await healthy();
  });

  it('rejects wrong and missing secrets with 401 and handles nothing', async () => {
    const before = await outcomes();
    const handledBefore = metric(await scrape(gateway.url()), 'portcullis_updates_received_total');
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[\x21-\x7e]{1,300}$/), async (secret) => {
        fc.pre(secret !== 'reliability-webhook-secret');
        sent++;
        const status = await postUpdate(
          gateway.url(),
          updates.command('help', undefined, { userId: 8 }),
          {
            'x-telegram-bot-api-secret-token': secret,
          },
        );
        expect(status).toBe(401);
        await pause(12);
      }),
      { numRuns: 60 },
    );
    const missing = await fetch(`${gateway.url()}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(updates.command('help', undefined, { userId: 8 })),
    });
    expect(missing.status).toBe(401);
    const after = await outcomes();
    expect(after.badSecret - before.badSecret).toBe(sent + 1);
    expect(metric(await scrape(gateway.url()), 'portcullis_updates_received_total')).toBe(
      handledBefore,
    );
    expect(api.messages(8)).toEqual([]);
  });

  it('answers 413 to a body over 1 MiB, declared or chunked', async () => {
    const before = await outcomes();
    const huge = JSON.stringify({ update_id: 1, message: { text: 'x'.repeat(2 * 1024 * 1024) } });
    expect(await postUpdate(gateway.url(), huge)).toBe(413);
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 24; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(120));
        controller.close();
      },
    });
    const response = await fetch(`${gateway.url()}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': 'reliability-webhook-secret',
      },
      body: chunked,
      duplex: 'half',
    } as RequestInit).catch((error: unknown) => ({ status: `reset: ${String(error)}` }));
    expect(response.status).toBe(413);
    expect((await outcomes()).tooLarge - before.tooLarge).toBe(2);
    await healthy();
  });

  it('keeps serving while 100 slowloris connections trickle headers and bodies', async () => {
    const port = new URL(gateway.url()).port;
    const sockets: Socket[] = [];
    for (let i = 0; i < 100; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        i % 2 === 0
          ? `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n`
          : `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Telegram-Bot-Api-Secret-Token: reliability-webhook-secret\r\n\r\n{`,
      );
      sockets.push(socket);
    }
    const trickle = setInterval(() => {
      for (const [i, socket] of sockets.entries())
        socket.write(i % 2 === 0 ? `X-Slow-${i}: a\r\n` : ' ');
    }, 100);
    try {
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        expect(
          await postUpdate(gateway.url(), updates.command('help', undefined, { userId: 100 + i })),
        ).toBe(200);
        expect(performance.now() - started).toBeLessThan(1500);
      }
      await healthy();
    } finally {
      clearInterval(trickle);
      for (const socket of sockets) socket.destroy();
    }
    // The slow requests never reached a handler.
    const text = await scrape(gateway.url());
    expect(metric(text, 'portcullis_updates_failed_total')).toBe(0);
  });
});

/** The same signature with its first MAC character changed (still canonical base64). */
const flipFirstMacChar = (header: string) =>
  header.replace(/=:(.)/, (_, c: string) => `=:${c === 'A' ? 'B' : 'A'}`);

describe('bad input at the services', () => {
  it('rejects unsigned, tampered, replayed and mis-addressed calls with 401, each counted by reason', async () => {
    const reasons: string[] = [];
    const listener = (message: unknown) => {
      const event = message as SigningVerifyEvent;
      if (event.outcome === 'invalid') reasons.push(event.errorCode ?? 'unknown');
    };
    diagnosticsChannel.subscribe(SIGNING_CHANNELS.verify, listener);
    try {
      const signer = createSigner({
        keyId: SIGNING_KEY.id,
        secret: SIGNING_KEY.secret,
        audience: 'users-service',
      });
      const url = `${services.urls.users}/v1/users`;
      const body = new TextEncoder().encode(JSON.stringify({ telegramId: 1, name: 'Ada' }));
      const headers = { 'content-type': 'application/json' };
      const signed: Record<string, string> = {
        ...headers,
        ...signer.sign({ method: 'POST', url, headers, body }),
      };
      const call = (h: Record<string, string>, b: Uint8Array | string = body, target = url) =>
        fetch(target, { method: 'POST', headers: h, body: b }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });

      expect(await call(headers)).toBe(401); // unsigned
      const tampered = new TextEncoder().encode(JSON.stringify({ telegramId: 1, name: 'Eve' }));
      expect(await call(signed, tampered)).toBe(401); // body changed after signing
      expect(await call({ ...signed, Signature: flipFirstMacChar(signed.Signature ?? '') })).toBe(
        401,
      );
      const forOther = createSigner({
        keyId: SIGNING_KEY.id,
        secret: SIGNING_KEY.secret,
        audience: 'admin-service',
      });
      expect(
        await call({ ...headers, ...forOther.sign({ method: 'POST', url, headers, body }) }),
      ).toBe(401);
      expect(await call(signed)).toBe(201); // the genuine call, once
      expect(await call(signed)).toBe(401); // the same call replayed
      expect(reasons).toEqual([
        'missing_signature',
        'digest_mismatch',
        'signature_mismatch',
        'wrong_audience',
        'replayed',
      ]);
    } finally {
      diagnosticsChannel.unsubscribe(SIGNING_CHANNELS.verify, listener);
    }
    await healthy();
  });
});
