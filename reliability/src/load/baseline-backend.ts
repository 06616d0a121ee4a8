/**
 * The baseline's shifts backend: the same answer as shifts-service, behind
 * Standard Webhooks signature verification (HMAC-SHA256 over id, timestamp
 * and body, 5-minute tolerance) plus a seen-id set against replays, which is
 * the work the example services do with RFC 9421 signatures and nonces.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { demoShifts } from './shift-schedule';

/** The shared secret, in the `whsec_` form Standard Webhooks libraries take. */
export const BASELINE_SIGNING_SECRET = `whsec_${Buffer.from('baseline-signing-secret-of-at-least-32-bytes').toString('base64')}`;

/** The path of the baseline's one signed call. */
export const BASELINE_SHIFTS_PATH = '/v1/shifts/list';

const DAY_MS = 24 * 60 * 60 * 1000;
const REPLAY_WINDOW_MS = 5 * 60_000;

/** A running baseline backend. */
export interface BaselineBackend {
  readonly url: string;
  /** Calls answered 200 after verification. */
  readonly served: () => number;
  /** Calls refused (bad or replayed signature, bad body). */
  readonly refused: () => number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the baseline backend on 127.0.0.1 (any free port). */
export async function startBaselineBackend(): Promise<BaselineBackend> {
  const webhook = new Webhook(BASELINE_SIGNING_SECRET);
  // Message id → when it was seen; pruned once a minute to the replay window.
  const seen = new Map<string, number>();
  let served = 0;
  let refused = 0;
  const prune = setInterval(() => {
    const oldest = Date.now() - REPLAY_WINDOW_MS;
    for (const [id, at] of seen) {
      if (at >= oldest) break;
      seen.delete(id);
    }
  }, 60_000);
  prune.unref();

  const refuse = (res: ServerResponse, status: number) => {
    refused++;
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":"refused"}');
  };
  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200).end('ok');
    if (req.method !== 'POST' || req.url !== BASELINE_SHIFTS_PATH) return refuse(res, 404);
    const body = await readBody(req);
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    let payload: { telegramId?: unknown; days?: unknown };
    try {
      payload = webhook.verify(body, headers) as typeof payload;
    } catch {
      return refuse(res, 401);
    }
    if (seen.has(headers['webhook-id'])) return refuse(res, 409);
    seen.set(headers['webhook-id'], Date.now());
    const telegramId = Number(payload.telegramId);
    const days = Number(payload.days ?? 7);
    if (!Number.isSafeInteger(telegramId) || telegramId <= 0 || !(days >= 1 && days <= 31))
      return refuse(res, 400);
    const from = new Date();
    const items = demoShifts(telegramId, from, new Date(from.getTime() + days * DAY_MS));
    served++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items }));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served: () => served,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(prune);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
