/** An error a route throws to answer with a status and a JSON error body. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** 404 for a resource that does not exist. */
export function notFound(what: string): HttpError {
  return new HttpError(404, 'not_found', `${what} was not found`);
}
