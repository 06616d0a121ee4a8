/**
 * The test oracle: the README's semantics written as plainly as possible —
 * it never trims, sums with filters and finds `retryAfterMs` by trying every
 * instant at which something expires. Not exported from the package.
 */
import type { EngineDecision, EngineOperation } from './engine';
import type { Policy } from './policy';

export class ReferenceModel {
  /** Admission time of every unit admitted from the regular allowance, ever. */
  private units: number[] = [];
  /** Time of every burst unit spent, ever. */
  private burstUnits: number[] = [];
  private tats: Array<number | undefined>;
  private violations = 0;
  private blockedUntil = 0;

  constructor(private readonly policy: Policy) {
    this.tats = policy.windows.map(() => undefined);
  }

  apply(operation: EngineOperation, now: number, cost: number): EngineDecision {
    const p = this.policy;
    const blocked = operation !== 'refund' && p.blockAfter > 0 && this.blockedUntil > now;
    const decision =
      p.algorithm === 'gcra'
        ? this.gcra(blocked ? 'peek' : operation, now, cost)
        : this.sliding(blocked ? 'peek' : operation, now, cost);
    if (blocked) {
      return {
        ...decision,
        allowed: false,
        denied: -2,
        usedBurst: false,
        retryAfterMs: Math.max(this.blockedUntil - now, decision.retryAfterMs),
      };
    }
    if (operation === 'consume' && p.blockAfter > 0) {
      if (decision.allowed) this.violations = 0;
      else {
        this.violations += 1;
        if (this.violations >= p.blockAfter) {
          this.violations = 0;
          this.blockedUntil = now + p.blockMs;
        }
      }
    }
    return decision;
  }

  /** Units admitted in (t - windowMs, t]. */
  private inWindow(t: number, windowMs: number): number {
    return this.units.filter((u) => u > t - windowMs && u <= t).length;
  }

  private burstSpent(t: number): number {
    return this.burstUnits.filter((b) => b > t - this.policy.burstWindowMs && b <= t).length;
  }

  /** Burst a request of `cost` needs at `t`, or undefined when even full burst cannot cover it. */
  private burstNeeded(t: number, cost: number): number | undefined {
    const need = Math.max(
      0,
      ...this.policy.windows.map((w) => this.inWindow(t, w.windowMs) + cost - w.limit),
    );
    return need <= this.policy.burst - this.burstSpent(t) ? need : undefined;
  }

  private sliding(operation: EngineOperation, now: number, cost: number): EngineDecision {
    const p = this.policy;
    if (operation === 'refund') {
      // Newest units first, burst before regular at the same instant.
      const live = (values: number[], windowMs: number) =>
        values.map((t, index) => ({ t, index })).filter(({ t }) => t > now - windowMs);
      for (let k = 0; k < cost; k++) {
        const regular = live(this.units, p.longestWindowMs).at(-1);
        const burst = live(this.burstUnits, p.burstWindowMs).at(-1);
        if (burst !== undefined && (regular === undefined || burst.t >= regular.t))
          this.burstUnits.splice(burst.index, 1);
        else if (regular !== undefined) this.units.splice(regular.index, 1);
      }
    }
    let allowed = true;
    let denied = -1;
    let spent = 0;
    let retryAfterMs = 0;
    if (operation !== 'refund') {
      const need = this.burstNeeded(now, cost);
      if (need === undefined) {
        allowed = false;
        const available = p.burst - this.burstSpent(now);
        denied = p.windows.findIndex(
          (w) => this.inWindow(now, w.windowMs) + cost - w.limit > available,
        );
        const candidates = [
          ...this.units.flatMap((u) => p.windows.map((w) => u + w.windowMs - now)),
          ...this.burstUnits.map((b) => b + p.burstWindowMs - now),
        ]
          .filter((d) => d > 0)
          .sort((a, b) => a - b);
        retryAfterMs = candidates.find((d) => this.burstNeeded(now + d, cost) !== undefined) ?? -1;
      } else if (operation === 'consume') {
        for (let i = 0; i < cost - need; i++) this.units.push(now);
        for (let i = 0; i < need; i++) this.burstUnits.push(now);
        spent = need;
      }
    }
    const newest = Math.max(Number.NEGATIVE_INFINITY, ...this.units);
    const newestBurst = Math.max(Number.NEGATIVE_INFINITY, ...this.burstUnits);
    const resets = p.windows.map((w) => Math.max(0, newest + w.windowMs - now));
    return {
      allowed,
      denied,
      remaining: p.windows.map((w) => Math.max(0, w.limit - this.inWindow(now, w.windowMs))),
      resets,
      burstRemaining: p.burst - this.burstSpent(now),
      usedBurst: spent > 0,
      retryAfterMs,
      resetMs: Math.max(0, ...resets, newestBurst + p.burstWindowMs - now),
    };
  }

  private gcra(operation: EngineOperation, now: number, cost: number): EngineDecision {
    const p = this.policy;
    const eps = 1e-6;
    const T = p.windows.map((w) => w.windowMs / w.limit);
    const candidates = this.tats.map((tat, i) => Math.max(tat ?? now, now) + cost * T[i]!);
    let denied = -1;
    let retryAfterMs = 0;
    if (operation === 'refund') {
      this.tats = this.tats.map((tat, i) =>
        tat === undefined ? undefined : Math.max(now, tat - cost * T[i]!),
      );
    } else {
      candidates.forEach((candidate, i) => {
        const excess = candidate - now - (p.burst + 1) * T[i]!;
        if (excess > eps) {
          if (denied === -1) denied = i;
          retryAfterMs = Math.max(retryAfterMs, Math.ceil(excess - eps));
        }
      });
    }
    const allowed = denied === -1;
    const ahead = this.tats.some((tat) => tat !== undefined && tat - now > eps);
    if (allowed && operation === 'consume') this.tats = candidates;
    const backlog = this.tats.map((tat) => (tat === undefined ? 0 : Math.max(0, tat - now)));
    const totals = backlog.map((b, i) => Math.floor(p.burst + 1 - b / T[i]! + eps));
    const resets = backlog.map((b) => Math.max(0, Math.ceil(b - eps)));
    return {
      allowed,
      denied,
      remaining: totals.map((t, i) => Math.min(p.windows[i]!.limit, Math.max(0, t))),
      resets,
      burstRemaining: Math.min(p.burst, ...totals.map((t) => Math.max(0, t - 1))),
      usedBurst: allowed && operation === 'consume' && ahead,
      retryAfterMs,
      resetMs: Math.max(0, ...resets),
    };
  }
}
