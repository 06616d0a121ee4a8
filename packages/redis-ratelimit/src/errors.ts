import { PortcullisError } from '@portcullis/core';

/** Thrown by `consumeOrThrow` when a request is over its limit (HTTP 429). */
export class RateLimitedError extends PortcullisError {
  /** How long to wait before the same request would be admitted. */
  readonly retryAfterMs: number;
  /** The policy that denied. */
  readonly policy: string;
  /** The window that denied, or `blocked`. */
  readonly deniedBy: string | undefined;

  constructor(policy: string, deniedBy: string | undefined, retryAfterMs: number) {
    super(
      'rate_limited',
      `Rate limit "${policy}" exceeded${deniedBy === undefined ? '' : ` (${deniedBy})`}: expected to retry after ${retryAfterMs} ms`,
      { details: { policy, deniedBy, retryAfterMs } },
    );
    this.retryAfterMs = retryAfterMs;
    this.policy = policy;
    this.deniedBy = deniedBy;
  }
}
