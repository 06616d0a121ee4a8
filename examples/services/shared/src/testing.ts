import { createSigner } from '@portcullis/signing';

/** A JSON answer from a service. */
export interface ServiceResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Calls a service the way the gateway does: signed, JSON, with a request id. */
export interface SignedClient {
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ServiceResponse<T>>;
}

/**
 * A small signed JSON client for tests and the demo. `audience` is the
 * service's audience (`users-service`…).
 */
export function signedClient(options: {
  readonly baseUrl: string;
  readonly keyId: string;
  readonly secret: string;
  readonly audience: string;
}): SignedClient {
  const signer = createSigner({
    keyId: options.keyId,
    secret: options.secret,
    audience: options.audience,
  });
  return {
    async request(method, path, body, extra = {}) {
      const url = `${options.baseUrl}${path}`;
      const bytes = body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body));
      const headers: Record<string, string> = {
        ...(bytes === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra,
      };
      const signed = { ...headers, ...signer.sign({ method, url, headers, body: bytes }) };
      const response = await fetch(url, {
        method,
        headers: signed,
        ...(bytes === undefined ? {} : { body: bytes }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text === ''
          ? undefined
          : response.headers.get('content-type')?.includes('json')
            ? JSON.parse(text)
            : text) as never,
      };
    },
  };
}
