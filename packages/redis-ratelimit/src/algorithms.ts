import { DENIED_BY_BLOCK, type EngineDecision, type EngineOperation } from './engine';
import type { Policy } from './policy';

/**
 * In-process state of one subject. The Redis script keeps the same state in a
 * ZSET log (one member per admitted unit), a ZSET of spent burst units and a
 * hash (GCRA theoretical arrival times, block bookkeeping).
 */
export interface SubjectState {
  /** Admission time of every admitted unit, ascending (sliding window). */
  log: number[];
  /** Time each burst unit was spent, ascending (sliding window). */
  burst: number[];
  /** Theoretical arrival time per window (GCRA); NaN when unset. */
  tats: number[];
  violations: number;
  blockedUntil: number;
}

/** A fresh, empty state. */
export function emptyState(policy: Policy): SubjectState {
  return {
    log: [],
    burst: [],
    tats: policy.windows.map(() => Number.NaN),
    violations: 0,
    blockedUntil: 0,
  };
}

/** Floating-point slack for GCRA comparisons, identical in the Lua script. */
export const GCRA_EPSILON = 1e-6;

/** Index of the first entry `> bound` in an ascending array. */
function firstAfter(values: readonly number[], bound: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! > bound) high = middle;
    else low = middle + 1;
  }
  return low;
}

function trim(values: number[], bound: number): void {
  const drop = firstAfter(values, bound);
  if (drop > 0) values.splice(0, drop);
}

/** Runs one operation on `state` at `now` and returns the decision; mutates `state`. */
export function decide(
  policy: Policy,
  state: SubjectState,
  now: number,
  operation: EngineOperation,
  cost: number,
): EngineDecision {
  const blocked = operation !== 'refund' && policy.blockAfter > 0 && state.blockedUntil > now;
  // A blocked subject's allowance is left untouched: decide as a peek.
  const effective = blocked ? 'peek' : operation;
  const decision =
    policy.algorithm === 'gcra'
      ? decideGcra(policy, state, now, effective, cost)
      : decideSliding(policy, state, now, effective, cost);
  if (blocked) {
    return {
      ...decision,
      allowed: false,
      denied: DENIED_BY_BLOCK,
      usedBurst: false,
      retryAfterMs: Math.max(state.blockedUntil - now, decision.retryAfterMs),
    };
  }
  if (operation === 'consume' && policy.blockAfter > 0) {
    if (decision.allowed) state.violations = 0;
    else if (++state.violations >= policy.blockAfter) {
      state.violations = 0;
      state.blockedUntil = now + policy.blockMs;
    }
  }
  return decision;
}

function decideSliding(
  policy: Policy,
  state: SubjectState,
  now: number,
  operation: EngineOperation,
  cost: number,
): EngineDecision {
  const { windows, burst, burstWindowMs } = policy;
  if (operation !== 'peek') {
    trim(state.log, now - policy.longestWindowMs);
    trim(state.burst, now - burstWindowMs);
  }
  if (operation === 'refund') refundSliding(state, cost);
  const log = state.log;
  const burstStart = firstAfter(state.burst, now - burstWindowMs);
  const burstUsed = state.burst.length - burstStart;
  const burstAvailable = burst - burstUsed;
  const used = windows.map((w) => log.length - firstAfter(log, now - w.windowMs));
  let need = 0;
  let denied = -1;
  if (operation !== 'refund') {
    for (let i = 0; i < windows.length; i++) {
      const over = used[i]! + cost - windows[i]!.limit;
      if (over > need) need = over;
      if (over > burstAvailable && denied === -1) denied = i;
    }
  }
  const allowed = denied === -1;
  let retryAfterMs = 0;
  if (!allowed) {
    retryAfterMs = slidingRetryAfter(
      policy,
      log,
      state.burst.slice(burstStart),
      used,
      burstAvailable,
      now,
      cost,
    );
  } else if (operation === 'consume') {
    // Windows count regular units only; what does not fit comes from burst.
    for (let i = 0; i < cost - need; i++) log.push(now);
    for (let i = 0; i < need; i++) state.burst.push(now);
    for (let i = 0; i < used.length; i++) used[i]! += cost - need;
  }
  const spent = allowed && operation === 'consume' ? need : 0;
  const newest = log.length > 0 ? log[log.length - 1]! : Number.NEGATIVE_INFINITY;
  const resets = windows.map((w) => Math.max(0, newest + w.windowMs - now));
  const newestBurst =
    state.burst.length > 0 ? state.burst[state.burst.length - 1]! : Number.NEGATIVE_INFINITY;
  return {
    allowed,
    denied,
    remaining: windows.map((w, i) => Math.max(0, w.limit - used[i]!)),
    resets,
    burstRemaining: burstAvailable - spent,
    usedBurst: spent > 0,
    retryAfterMs,
    resetMs: Math.max(0, ...resets, newestBurst + burstWindowMs - now),
  };
}

/**
 * The earliest wait after which the same request would be admitted if nothing
 * else happened: burst allowance only grows with time, window usage only
 * shrinks, so for each burst level (in order) the first instant every window
 * fits is found, and the smallest such instant wins.
 */
function slidingRetryAfter(
  policy: Policy,
  log: readonly number[],
  burstLog: readonly number[],
  used: readonly number[],
  burstAvailable: number,
  now: number,
  cost: number,
): number {
  let best = Number.POSITIVE_INFINITY;
  for (let level = 0; level <= burstLog.length; level++) {
    const start = level === 0 ? 0 : burstLog[level - 1]! + policy.burstWindowMs - now;
    const next =
      level < burstLog.length
        ? burstLog[level]! + policy.burstWindowMs - now
        : Number.POSITIVE_INFINITY;
    let wait = start;
    for (let i = 0; i < policy.windows.length && wait < best; i++) {
      const window = policy.windows[i]!;
      const allowedUsed = window.limit + burstAvailable + level - cost;
      if (allowedUsed < 0) wait = Number.POSITIVE_INFINITY;
      else if (used[i]! > allowedUsed) {
        const oldest = firstAfter(log, now - window.windowMs);
        wait = Math.max(wait, log[oldest + used[i]! - allowedUsed - 1]! + window.windowMs - now);
      }
    }
    if (wait < best) best = wait;
    if (best <= next) break;
  }
  return best;
}

/** Gives back the `cost` newest units, burst before regular at the same instant (undoes the last consume). */
function refundSliding(state: SubjectState, cost: number): void {
  const { log, burst } = state;
  for (let k = 0; k < cost; k++) {
    const newestRegular = log.length > 0 ? log[log.length - 1]! : undefined;
    const newestBurst = burst.length > 0 ? burst[burst.length - 1]! : undefined;
    if (newestBurst !== undefined && (newestRegular === undefined || newestBurst >= newestRegular))
      burst.pop();
    else if (newestRegular !== undefined) log.pop();
    else return;
  }
}

function decideGcra(
  policy: Policy,
  state: SubjectState,
  now: number,
  operation: EngineOperation,
  cost: number,
): EngineDecision {
  const { windows, burst } = policy;
  const n = windows.length;
  const intervals = windows.map((w) => w.windowMs / w.limit);
  let denied = -1;
  let usedBurst = false;
  let retryAfterMs = 0;
  const next: number[] = [];
  for (let i = 0; i < n; i++) {
    const tat = state.tats[i]!;
    const base = Number.isNaN(tat) || tat < now ? now : tat;
    if (operation === 'refund') {
      if (!Number.isNaN(tat)) state.tats[i] = Math.max(now, tat - cost * intervals[i]!);
      continue;
    }
    const candidate = base + cost * intervals[i]!;
    next.push(candidate);
    // Smooth GCRA: `burst` units of tolerance ahead of the steady rate.
    const excess = candidate - now - (burst + 1) * intervals[i]!;
    if (excess > GCRA_EPSILON) {
      if (denied === -1) denied = i;
      retryAfterMs = Math.max(retryAfterMs, Math.ceil(excess - GCRA_EPSILON));
    }
    if (base - now > GCRA_EPSILON) usedBurst = true;
  }
  const allowed = denied === -1;
  if (allowed && operation === 'consume') for (let i = 0; i < n; i++) state.tats[i] = next[i]!;
  const remaining: number[] = [];
  const resets: number[] = [];
  let burstRemaining = burst;
  for (let i = 0; i < n; i++) {
    const tat = state.tats[i]!;
    const backlog = Number.isNaN(tat) ? 0 : Math.max(0, tat - now);
    const total = Math.floor(burst + 1 - backlog / intervals[i]! + GCRA_EPSILON);
    remaining.push(Math.min(windows[i]!.limit, Math.max(0, total)));
    burstRemaining = Math.min(burstRemaining, Math.max(0, total - 1));
    resets.push(Math.max(0, Math.ceil(backlog - GCRA_EPSILON)));
  }
  return {
    allowed,
    denied,
    remaining,
    resets,
    burstRemaining,
    usedBurst: allowed && operation === 'consume' && usedBurst,
    retryAfterMs,
    resetMs: Math.max(0, ...resets),
  };
}
