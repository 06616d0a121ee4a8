import { PortcullisError } from '@portcullis/core';
import type { Clock } from '../clock';

/** What a flood-limited call asks an {@link OutboundPacer} for. */
export interface OutboundPacerRequest {
  /** The target chat as the scheduler keys it (`String(chat_id)`); absent for calls without a chat. */
  readonly chatId?: string;
  /** Whether the chat is a group or channel (negative id or `@username`), so the per-group limit applies. */
  readonly group: boolean;
  /** The longest wait the caller accepts: a slot further away is not reserved. */
  readonly maxWaitMs: number;
}

/** A pacer's answer: the reserved slot, or why none was taken. */
export interface OutboundPacerReservation {
  /** Whether a send slot was reserved (false when it would be more than `maxWaitMs` away). */
  readonly reserved: boolean;
  /** Milliseconds from now until the slot; the caller sends after waiting this long. */
  readonly waitMs: number;
}

/**
 * Flood-limit slots shared by every replica of a bot. The outbound scheduler
 * asks for one slot per flood-limited call, after its own (per-process)
 * limits let the call go, and sends once the slot has come. A reservation
 * is a commitment: the slot counts against the limits whether or not the
 * caller uses it. A pacer rejects when its store fails; the scheduler then
 * paces locally (see `OutboundSchedulerOptions.pacer`).
 *
 * `createRedisOutboundPacer()` is the shipped implementation.
 */
export interface OutboundPacer {
  /** Reserves the next slot that keeps every shared limit of `request`'s scope. */
  reserve(request: OutboundPacerRequest): Promise<OutboundPacerReservation>;
}

/**
 * Asks `pacer` for a slot, rejecting with `rate_limiter_unavailable` when no
 * answer came within `timeoutMs` on `clock` (a late answer is ignored).
 */
export function reserveWithin(
  pacer: OutboundPacer,
  request: OutboundPacerRequest,
  timeoutMs: number,
  clock: Clock,
): Promise<OutboundPacerReservation> {
  return new Promise((resolve, reject) => {
    const timeout = clock.setTimeout(
      () =>
        reject(
          new PortcullisError(
            'rate_limiter_unavailable',
            `Outbound pacer did not answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    pacer.reserve(request).then(
      (slot) => {
        clock.clearTimeout(timeout);
        resolve(slot);
      },
      (error: unknown) => {
        clock.clearTimeout(timeout);
        reject(error);
      },
    );
  });
}
