import type { Clock, TimerHandle } from '../clock';
import type { DedupStore } from './dedup';

/** A dedup claim kept alive while its update waits and runs. */
export interface KeptClaim {
  /** A renewal found the claim gone (its lease lapsed meanwhile): claim again before handling. */
  readonly lost: boolean;
  /** Stops renewing; call once the update is completed or released. */
  stop(): void;
}

const NOT_RENEWED: KeptClaim = { lost: false, stop() {} };

/**
 * Renews a claim every third of the store's lease until stopped, so the claim
 * ends when this worker ends, not `leaseMs` after the update arrived: an
 * update may wait behind its chat's earlier updates (or for a free chat slot)
 * far longer than the lease. A failed renewal is retried at the next period;
 * only a lapse the store reports (`renew` resolving `false`) marks it lost.
 * Stores without `renew` and `leaseMs` are not renewed.
 */
export function keepClaim(dedup: DedupStore, updateId: number, clock: Clock): KeptClaim {
  const { leaseMs } = dedup;
  if (dedup.renew === undefined || leaseMs === undefined) return NOT_RENEWED;
  const renew = dedup.renew.bind(dedup);
  const periodMs = Math.max(1, Math.floor(leaseMs / 3));
  let timer: TimerHandle | undefined;
  let stopped = false;
  let lost = false;
  const schedule = () => {
    timer = clock.setTimeout(() => {
      renew(updateId)
        .then(
          (held) => {
            if (!held) lost = true;
          },
          // The store failed (Redis unreachable): try again next period; a
          // lapse meanwhile shows as `false` then.
          () => {},
        )
        .finally(() => {
          if (!stopped) schedule();
        });
    }, periodMs);
  };
  schedule();
  return {
    get lost() {
      return lost;
    },
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
    },
  };
}
