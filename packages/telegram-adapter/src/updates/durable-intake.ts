import type { Update } from '@grammyjs/types';
import { PortcullisError } from '@portcullis/core';
import type { UpdatePipeline } from './update-pipeline';

/** Anything updates can be durably appended to, such as `createDurableUpdateQueue()`. */
export interface DurableSink {
  /** Resolves once the update is stored durably. */
  enqueue(update: Update): Promise<unknown>;
}

/**
 * An intake for the poller that hands updates to a durable queue instead of
 * handling them: an update counts as settled (and its offset is confirmed)
 * once the queue holds it. A failed append leaves it unconfirmed. It
 * publishes no update events: the consumer's pipeline does, once per update
 * (source `queue`), as with a webhook's durable intake.
 *
 * @example
 * ```ts
 * createPoller({ api, pipeline: durableIntake(queue) }).start();
 * queue.start(bot.queueHandler());
 * ```
 */
export function durableIntake(sink: DurableSink): UpdatePipeline {
  let inFlight = 0;
  return {
    async process(update) {
      inFlight++;
      try {
        await sink.enqueue(update);
        return 'handled';
      } finally {
        inFlight--;
      }
    },
    get inFlight() {
      return inFlight;
    },
    lanes: 0,
  };
}

/**
 * A durable-queue consumer that runs updates through `pipeline` (dedup,
 * order, deadline). It rejects when another worker holds the update, so the
 * queue delivers it again later.
 */
export function queueHandler(pipeline: UpdatePipeline): (update: Update) => Promise<void> {
  return async (update) => {
    const outcome = await pipeline.process(update, 'queue');
    if (outcome === 'busy')
      throw new PortcullisError(
        'duplicate_update',
        `Update ${update.update_id} is being handled elsewhere`,
      );
  };
}
