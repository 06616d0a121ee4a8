import { CHANNELS } from '@portcullis/core';
import type { PortcullisMetrics } from '../registry/create-metrics';
import { type Binding, on } from './binding';

/** Conversations of one flow held before the expired ones are swept on a touch. */
const SWEEP_FLOOR = 1024;

/**
 * The conversations this process started or moved within their flow's idle
 * timeout and saw no end of, per flow. Counting started minus ended instead
 * drifts up for good: a conversation nobody touches again is removed by its
 * storage TTL without any event.
 */
export class ActiveConversations {
  // Per flow, key → expiry. A touch re-inserts its key, so each map stays in
  // expiry order (one idle timeout per flow) and a sweep stops at the first
  // live entry.
  readonly #flows = new Map<string, Map<string, number>>();
  readonly #sweepAbove = new Map<string, number>();

  /** Records that the conversation `key` of `flow` lives until `expiresAt`. */
  touch(flow: string, key: string, expiresAt: number, now: number): void {
    let live = this.#flows.get(flow);
    if (live === undefined) {
      live = new Map();
      this.#flows.set(flow, live);
    }
    live.delete(key);
    live.set(key, expiresAt);
    // Without scrapes nothing else sweeps: amortised O(1) per touch.
    if (live.size > (this.#sweepAbove.get(flow) ?? SWEEP_FLOOR)) {
      sweep(live, now);
      this.#sweepAbove.set(flow, Math.max(SWEEP_FLOOR, 2 * live.size));
    }
  }

  /** Records that the conversation `key` of `flow` ended. */
  end(flow: string, key: string): void {
    this.#flows.get(flow)?.delete(key);
  }

  /** Live conversations per flow at `now` (flows seen once stay, at 0). */
  counts(now: number): Array<[flow: string, count: number]> {
    const counts: Array<[string, number]> = [];
    for (const [flow, live] of this.#flows) {
      sweep(live, now);
      counts.push([flow, live.size]);
    }
    return counts;
  }
}

function sweep(live: Map<string, number>, now: number): void {
  for (const [key, expiresAt] of live) {
    if (expiresAt > now) break;
    live.delete(key);
  }
}

/**
 * Records `fsm_conversations_active` from FSM events: a conversation counts
 * from its start or any transition until it ends, or until its flow's idle
 * timeout passes without a transition. Worked out at each scrape. Per
 * process: a conversation that moved to another replica counts on both until
 * its idle timeout passes on the one it left.
 */
export function activeConversationsRecorder(m: PortcullisMetrics): {
  readonly bindings: Binding[];
  stop(): void;
} {
  const active = new ActiveConversations();
  const gauge = m.metric('fsm_conversations_active');
  const stop = gauge.onCollect(() => {
    for (const [flow, count] of active.counts(Date.now())) gauge.assign({ flow }, count);
  });
  return {
    bindings: [
      on(CHANNELS.fsmTransition, (e) => {
        const now = Date.now();
        active.touch(e.flow, e.key, now + e.idleTimeoutMs, now);
      }),
      on(CHANNELS.fsmConversation, (e) => {
        if (e.action === 'started' && e.idleTimeoutMs !== undefined) {
          const now = Date.now();
          active.touch(e.flow, e.key, now + e.idleTimeoutMs, now);
        } else if (e.action !== 'started') active.end(e.flow, e.key);
      }),
    ],
    stop,
  };
}
