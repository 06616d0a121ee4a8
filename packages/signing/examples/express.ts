/**
 * Verifying Portcullis signatures in Express 5. The one thing to get right is
 * the body: verify the bytes as received, never `JSON.stringify(req.body)`
 * (re-serialising changes spacing and key order and breaks the digest).
 * `express.json({ verify })` hands us the raw buffer before parsing.
 */
import type { IncomingMessage } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Verifier, VerifyErrorCode } from '../src/index';

type RawBodyRequest = IncomingMessage & { rawBody?: Buffer };

/** Express middleware: 401 (opaque) unless the request's signature verifies. */
export function requireSignature(verifier: Verifier, onRejected?: (code: VerifyErrorCode) => void) {
  return async function requireSignature(req: Request, res: Response, next: NextFunction) {
    try {
      const result = await verifier.verify({
        method: req.method,
        // originalUrl: `req.url` is rewritten by routers mounted on a path.
        url: req.originalUrl,
        headers: req.headersDistinct,
        body: (req as RawBodyRequest).rawBody,
      });
      if (!result.ok) {
        onRejected?.(result.code);
        res.status(401).type('text/plain').send('Unauthorized');
        return;
      }
      res.locals.keyId = result.keyId;
      next();
    } catch (error) {
      next(error); // the nonce store failed: let the error handler answer 503
    }
  };
}

/** A users service that accepts only calls signed by the gateway. */
export function createUsersApp(
  verifier: Verifier,
  onRejected?: (code: VerifyErrorCode) => void,
): Express {
  const app = express();
  app.use(
    express.json({
      verify: (req, _res, buf) => {
        (req as RawBodyRequest).rawBody = buf;
      },
    }),
  );
  app.use(requireSignature(verifier, onRejected));
  app.post('/v1/users', (req, res) => {
    res.status(201).json({ created: req.body, by: res.locals.keyId });
  });
  app.get('/v1/users/:id', (req, res) => {
    res.json({ id: req.params.id, by: res.locals.keyId });
  });
  return app;
}
