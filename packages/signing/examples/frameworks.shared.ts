import { createSigner, createVerifier } from '../src/index';

/** The gateway side of the framework examples' tests. */
export const secret = 'framework example secret, 32 bytes+';
export const signer = createSigner({ keyId: 'gateway-1', secret, audience: 'users' });
export const newVerifier = () =>
  createVerifier({ keys: [{ id: 'gateway-1', secret }], audience: 'users' });

/** What is sent after signing; a test may change it. */
export interface Sent {
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Signs and sends a request with fetch; `tamper` may change what is sent after signing. */
export async function signedFetch(
  origin: string,
  path: string,
  body?: string,
  tamper?: (sent: Sent) => void,
) {
  const method = body === undefined ? 'GET' : 'POST';
  const headers: Record<string, string> =
    body === undefined ? {} : { 'content-type': 'application/json' };
  const bytes = body === undefined ? undefined : new TextEncoder().encode(body);
  Object.assign(headers, signer.sign({ method, url: origin + path, headers, body: bytes }));
  const sent: Sent = { path, headers, body };
  tamper?.(sent);
  const send = () => fetch(origin + sent.path, { method, headers: sent.headers, body: sent.body });
  const response = await send();
  return { status: response.status, text: await response.text(), replay: send };
}
