// The quick start of README.md, kept here so it compiles and runs in CI.
import { createServer } from 'node:http';
import { createSigner, createVerifier, verifySignature } from '../src/index';

/** Starts a users service and sends it one signed request from the "gateway". */
export async function quickStart(secret: string): Promise<string> {
  // Backend service: verify every request, answer an opaque 401 otherwise.
  const verifier = createVerifier({ keys: [{ id: 'gateway-2026-01', secret }], audience: 'users' });
  const server = createServer(
    verifySignature(verifier, (_req, res, { keyId }) => res.end(`hi ${keyId}`)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  // Gateway: sign each outgoing request (or pass `signRequest: signer.sign` to the core service client).
  const signer = createSigner({ keyId: 'gateway-2026-01', secret, audience: 'users' });
  const url = `http://127.0.0.1:${port}/v1/users?active=1`;
  const body = new TextEncoder().encode('{"name":"Ada"}');
  const headers = { 'content-type': 'application/json' };
  const signed = signer.sign({ method: 'POST', url, headers, body });
  const response = await fetch(url, { method: 'POST', headers: { ...headers, ...signed }, body });

  server.close();
  return response.text();
}
