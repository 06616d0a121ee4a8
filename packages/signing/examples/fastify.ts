/**
 * Verifying Portcullis signatures in Fastify 5: replace the JSON parser with
 * one that keeps the raw buffer, then verify in a `preHandler` hook (after
 * parsing, before the route). Never verify a re-serialised `request.body`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Verifier, VerifyErrorCode } from '../src/index';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes as received, kept for signature verification. */
    rawBody?: Buffer;
    /** The key id that verified the request. */
    signingKeyId?: string;
  }
}

/** A users service that accepts only calls signed by the gateway. */
export function createUsersService(
  verifier: Verifier,
  onRejected?: (code: VerifyErrorCode) => void,
): FastifyInstance {
  const app = Fastify();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, body.length === 0 ? undefined : JSON.parse(body.toString('utf8')));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addHook('preHandler', async (request, reply) => {
    const result = await verifier.verify({
      method: request.raw.method ?? 'GET',
      url: request.raw.url ?? '/',
      headers: request.raw.headersDistinct,
      body: request.rawBody,
    });
    if (!result.ok) {
      onRejected?.(result.code);
      return reply.code(401).type('text/plain').send('Unauthorized');
    }
    request.signingKeyId = result.keyId;
  });
  app.post('/v1/users', async (request, reply) => {
    return reply.code(201).send({ created: request.body, by: request.signingKeyId });
  });
  app.get<{ Params: { id: string } }>('/v1/users/:id', async (request) => {
    return { id: request.params.id, by: request.signingKeyId };
  });
  return app;
}
