import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  createMemoryNonceStore,
  createSigner,
  createVerifier,
  type NonceStore,
} from '@portcullis/signing';
import { Webhook } from 'standardwebhooks';
import type { BenchSuite } from '../harness';

const secret = Buffer.from('benchmark secret of at least thirty-two bytes!!');
const payload = JSON.stringify({
  update_id: 123456789,
  message: {
    chat: { id: 42, type: 'private' },
    from: { id: 7, first_name: 'Ada' },
    text: 'x'.repeat(910),
  },
});
const body = new TextEncoder().encode(payload);
if (body.byteLength !== 1024) throw new Error(`body is ${body.byteLength} B`);

const url = 'http://users:8080/v1/updates?source=telegram';
const baseHeaders = { 'content-type': 'application/json' };

function portcullisCase(name: string, nonceStore: NonceStore) {
  const signer = createSigner({ keyId: 'gw-1', secret, audience: 'users' });
  // A short window keeps the memory store small over millions of nonces.
  const verifier = createVerifier({
    keys: [{ id: 'gw-1', secret }],
    audience: 'users',
    maxAgeSeconds: 2,
    maxFutureSkewSeconds: 1,
    nonceStore,
  });
  return {
    name,
    fn: async () => {
      const added = signer.sign({ method: 'POST', url, headers: baseHeaders, body });
      const result = await verifier.verify({
        method: 'POST',
        url: '/v1/updates?source=telegram',
        headers: { ...baseHeaders, ...added },
        body,
      });
      if (!result.ok) throw new Error(`portcullis rejected its own signature: ${result.code}`);
    },
  };
}

const webhook = new Webhook(secret.toString('base64'));
let messageId = 0;

/**
 * Sign + verify of one 1 KiB JSON request, the gateway-to-service hot path.
 * Raw `createHmac` over `timestamp.body` (the Stripe scheme: no method, path,
 * nonce or parsing) is the limit; `standardwebhooks` signs id + timestamp +
 * body. Portcullis also hashes the body for Content-Digest, covers method,
 * path, query and audience, draws a nonce and records it.
 */
export const signing: BenchSuite = {
  title: 'Signing: sign + verify a 1 KiB JSON request',
  reference: 'raw createHmac (timestamp.body)',
  rounds: 21,
  note: 'Goal: Portcullis (memory nonces) at least 0.70x of raw createHmac, and faster than standardwebhooks.',
  cases: [
    {
      name: 'raw createHmac (timestamp.body)',
      fn: () => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
        const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
        if (!timingSafeEqual(mac, expected)) throw new Error('mismatch');
      },
    },
    {
      name: 'standardwebhooks 1.3',
      fn: () => {
        const id = `msg_${messageId++}`;
        const now = new Date();
        const signature = webhook.sign(id, now, payload);
        webhook.verify(
          payload,
          {
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': signature,
          },
          { jsonParse: false },
        );
      },
    },
    portcullisCase('portcullis (memory nonces)', createMemoryNonceStore({ maxEntries: 2_000_000 })),
    portcullisCase('portcullis (no nonce store)', { claim: () => true }),
  ],
};
