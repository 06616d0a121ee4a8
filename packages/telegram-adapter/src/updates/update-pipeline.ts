import { performance } from 'node:perf_hooks';
import type { Update } from '@grammyjs/types';
import {
  CHANNELS,
  invalidOption,
  isPortcullisError,
  PortcullisError,
  publish,
} from '@portcullis/core';
import { type Clock, systemClock } from '../clock';
import { orderingKeyOf } from '../durable/update-shard';
import { createChatSequencer } from './chat-sequencer';
import { type KeptClaim, keepClaim } from './claim-keeper';
import type { ClaimResult, DedupStore } from './dedup';
import { updateTypeOf } from './update-type';

/** Handles one update; `signal` aborts when the handler deadline passes. */
export type UpdateHandler = (update: Update, signal: AbortSignal) => Promise<void>;

/** What became of an update given to the pipeline. */
export type UpdateOutcome =
  /** The handler finished. */
  | 'handled'
  /** The handler threw; the update counts as handled (no redelivery loop for poison updates). */
  | 'failed'
  /** The handler passed its deadline and was cut; its chat moves on. */
  | 'timeout'
  /** Already handled before: dropped. */
  | 'duplicate'
  /** Another worker holds the claim: not handled here, do not acknowledge. */
  | 'busy';

/** Options of {@link createUpdatePipeline}. */
export interface UpdatePipelineOptions {
  readonly handler: UpdateHandler;
  /** Shared dedup; without it, nothing is deduplicated. */
  readonly dedup?: DedupStore;
  /** Chats handled at once. @default 100 */
  readonly concurrency?: number;
  /** A handler running longer is cut (its `signal` aborts) so its chat moves on. @default 30000 */
  readonly handlerTimeoutMs?: number;
  /** Time source for handler deadlines. @default the real clock */
  readonly clock?: Clock;
}

/** Dedup, per-chat ordering and handler deadlines around a handler. */
export interface UpdatePipeline {
  /**
   * Resolves when the update is handled, dropped or found busy. Rejects only
   * when the dedup store fails before the handler runs (the update is then not
   * handled: leave it unacknowledged so it comes again); never for handler
   * errors, nor when the store fails to record an update already handled.
   */
  process(update: Update, source: 'webhook' | 'polling' | 'queue'): Promise<UpdateOutcome>;
  /** Updates accepted and not yet settled. */
  readonly inFlight: number;
  /** Chat lanes alive (for leak checks). */
  readonly lanes: number;
}

/**
 * Creates the update pipeline every update source feeds.
 *
 * @example
 * ```ts
 * const pipeline = createUpdatePipeline({ handler: (u) => bot.handleUpdate(u), dedup: createMemoryDedupStore() });
 * ```
 */
export function createUpdatePipeline(options: UpdatePipelineOptions): UpdatePipeline {
  const { handler, dedup } = options;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.handlerTimeoutMs ?? 30_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw invalidOption('handlerTimeoutMs', 'a positive integer', timeoutMs);
  const sequencer = createChatSequencer(options.concurrency ?? 100);
  let inFlight = 0;

  function runWithDeadline(update: Update): Promise<'handled' | 'failed' | 'timeout'> {
    const controller = new AbortController();
    return new Promise<'handled' | 'failed' | 'timeout'>((resolve) => {
      const timer = clock.setTimeout(() => {
        controller.abort(
          new PortcullisError(
            'handler_timeout',
            `Update handler passed its deadline of ${timeoutMs} ms`,
          ),
        );
        resolve('timeout');
      }, timeoutMs);
      let result: Promise<void>;
      try {
        result = handler(update, controller.signal);
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        () => {
          clock.clearTimeout(timer);
          resolve('handled');
        },
        (error: unknown) => {
          clock.clearTimeout(timer);
          publish(CHANNELS.error, () => ({
            code: isPortcullisError(error) ? error.code : 'internal',
            where: 'update',
          }));
          resolve('failed');
        },
      );
    });
  }

  // Runs in the update's turn in its chat lane. A claim whose renewal found it
  // lapsed (the store was unreachable for most of a lease) is taken again
  // here, so a worker that took it meanwhile keeps it.
  async function admit(
    update: Update,
    claim: KeptClaim | undefined,
  ): Promise<'handled' | 'failed' | 'timeout' | Exclude<ClaimResult, 'claimed'>> {
    if (dedup && claim?.lost) {
      const again = await dedup.claim(update.update_id);
      if (again !== 'claimed') return again;
    }
    return runWithDeadline(update);
  }

  const reportUnrecorded = (error: unknown) =>
    publish(CHANNELS.error, () => ({
      code: isPortcullisError(error) ? error.code : 'storage_unavailable',
      where: 'update',
    }));

  return {
    async process(update, source) {
      const updateId = update.update_id;
      const updateType = updateTypeOf(update);
      // Every received event is closed by one duplicate or handled event, so
      // the in-flight gauge holds. An update held elsewhere (`busy`) or whose
      // claim failed is not received here: its re-delivery will be.
      const received = () =>
        publish(CHANNELS.updateReceived, () => ({ updateId, updateType, source }));
      const duplicate = () => {
        publish(CHANNELS.updateDuplicate, () => ({ updateId, updateType }));
        return 'duplicate' as const;
      };
      inFlight++;
      let kept: KeptClaim | undefined;
      try {
        if (dedup) {
          const claim = await dedup.claim(updateId);
          if (claim === 'busy') return 'busy';
          if (claim === 'done') {
            received();
            return duplicate();
          }
          // Claimed on arrival, not once admitted: other workers see it as taken
          // (`busy`) while it waits here, instead of handling a re-delivery of
          // it ahead of the earlier updates of its chat queued here. Renewed,
          // so that holds however long it waits.
          kept = keepClaim(dedup, updateId, clock);
        }
        received();
        const started = performance.now();
        let outcome: Awaited<ReturnType<typeof admit>>;
        try {
          outcome = await sequencer.run(orderingKeyOf(update), () => admit(update, kept));
        } catch (error) {
          // Its lost claim could not be taken again (the store failed).
          publish(CHANNELS.updateHandled, () => ({
            updateId,
            updateType,
            outcome: 'failed',
            durationMs: performance.now() - started,
            errorCode: isPortcullisError(error) ? error.code : 'internal',
          }));
          throw error;
        }
        // Its claim lapsed while it waited and another worker took it (and
        // may not finish it: `busy` asks for a re-delivery) or handled it.
        if (outcome === 'busy') {
          duplicate();
          return 'busy';
        }
        if (outcome === 'done') return duplicate();
        publish(CHANNELS.updateHandled, () => ({
          updateId,
          updateType,
          outcome,
          durationMs: performance.now() - started,
          ...(outcome === 'timeout' ? { errorCode: 'handler_timeout' } : {}),
        }));
        // The handler ran: whatever the store says now, this update is settled.
        // Rejecting would leave it unacknowledged, and its re-delivery, once the
        // claim lapsed, would run the handler a second time. The claim stays
        // until its lease ends.
        if (dedup) await dedup.complete(updateId).catch(reportUnrecorded);
        return outcome;
      } finally {
        kept?.stop();
        inFlight--;
      }
    },
    get inFlight() {
      return inFlight;
    },
    get lanes() {
      return sequencer.lanes;
    },
  };
}
