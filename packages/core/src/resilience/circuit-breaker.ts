import diagnosticsChannel from 'node:diagnostics_channel';
import type { BreakerState, BreakerStateEvent } from '../instrumentation/channels';
import { CHANNELS, publish } from '../instrumentation/channels';
import {
  type CircuitBreakerOptions,
  type ResolvedBreakerOptions,
  resolveBreakerOptions,
} from './circuit-breaker-options';
import { abortedError, CircuitOpenError } from './errors';
import {
  type Clock,
  type ExecuteOptions,
  NEVER_ABORTED,
  type Policy,
  type PolicyFunction,
} from './policy';
import { CountWindow, type SlidingWindow, TimeWindow } from './sliding-window';

// Held strongly at module level: a hasSubscribers read per call is the only cost when idle.
const callChannel = diagnosticsChannel.channel(CHANNELS.breakerCall);

/** What a breaker's window holds right now, for metrics and health pages. */
export interface CircuitBreakerSnapshot {
  readonly name: string;
  readonly state: BreakerState;
  /** Calls judged: the window's when closed or open, the trial calls' when half-open. */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** Percent of `calls` that failed (0 without calls). */
  readonly failureRate: number;
  /** Percent of `calls` that were slow (0 without calls). */
  readonly slowCallRate: number;
  /** When open: epoch ms of the first trial call (`Infinity` after `open()`); otherwise undefined. */
  readonly nextAttemptAt: number | undefined;
}

/** A circuit breaker: a {@link Policy} that stops calling a failing dependency for a while. */
export interface CircuitBreaker extends Policy {
  readonly name: string;
  /** The current state; an elapsed open period turns into half-open when read. */
  readonly state: BreakerState;
  /** Runs `fn`, or rejects with {@link CircuitOpenError} while open. */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions): Promise<T>;
  /** Holds the breaker open until `close()` or `reset()`. */
  open(): void;
  /** Closes the breaker and clears its window. */
  close(): void;
  /** Back to a fresh closed breaker, publishing a state event only if the state changes. */
  reset(): void;
  /** Window counts, rates, state and next attempt time. */
  snapshot(): CircuitBreakerSnapshot;
}

/**
 * Creates a circuit breaker with a count- or time-based sliding window,
 * failure-rate and slow-call-rate thresholds, and several half-open trial
 * calls. It owns no timer: open → half-open is decided on the next call or
 * `state` read, so an idle breaker never keeps a process alive.
 *
 * @example
 * ```ts
 * const breaker = createCircuitBreaker({ name: 'users', failureRateThreshold: 50, openMs: 10_000 });
 * const user = await breaker.execute((signal) => loadUser(42, signal));
 * ```
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  return new Breaker(resolveBreakerOptions(options));
}

class Breaker implements CircuitBreaker {
  readonly name: string;
  readonly #o: ResolvedBreakerOptions;
  readonly #window: SlidingWindow;
  readonly #clock: Clock;
  /** Whether calls are timed for slow-call detection. */
  readonly #timed: boolean;
  readonly #timeWindow: boolean;
  #state: BreakerState = 'closed';
  #nextAttemptAt = 0;
  /** Bumped on every transition so calls that straddle one are not recorded in the new state. */
  #generation = 0;
  #trialsStarted = 0;
  #trialCalls = 0;
  #trialFailures = 0;
  #trialSlow = 0;

  constructor(options: ResolvedBreakerOptions) {
    this.#o = options;
    this.name = options.name;
    this.#clock = options.clock;
    this.#timed = Number.isFinite(options.slowCallMs);
    this.#timeWindow = options.window.type === 'time';
    this.#window =
      options.window.type === 'count'
        ? new CountWindow(options.window.size)
        : new TimeWindow(options.window.sizeMs);
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#o.clock.now() >= this.#nextAttemptAt) {
      this.#transition('half-open', 'open-elapsed');
    }
    return this.#state;
  }

  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions): Promise<T> {
    const signal = options?.signal ?? NEVER_ABORTED;
    if (signal !== NEVER_ABORTED && signal.aborted) return Promise.reject(abortedError(signal));
    // NaN = not timed: with slow-call detection off and nobody listening, a
    // closed breaker reads no clock at all on the success path.
    let start = Number.NaN;
    if (this.#state !== 'closed') {
      const now = this.#clock.now();
      start = now;
      if (this.#state === 'open') {
        if (now < this.#nextAttemptAt) return this.#reject(this.#nextAttemptAt, now);
        this.#transition('half-open', 'open-elapsed');
      }
      if (this.#trialsStarted >= this.#o.halfOpenMaxCalls) return this.#reject(now, now);
      this.#trialsStarted++;
    } else if (this.#timed || callChannel.hasSubscribers) {
      start = this.#clock.now();
    }
    const generation = this.#generation;
    let pending: Promise<T>;
    try {
      pending = fn(signal);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(
      (value) => {
        this.#record(false, start, generation);
        return value;
      },
      (error: unknown) => {
        if ((signal !== NEVER_ABORTED && signal.aborted) || !this.#o.isFailure(error)) {
          this.#ignore(start, generation);
        } else this.#record(true, start, generation);
        throw error;
      },
    );
  }

  #reject(nextAttemptAt: number, now: number): Promise<never> {
    publish(CHANNELS.breakerCall, () => ({
      name: this.name,
      outcome: 'rejected' as const,
      slow: false,
      durationMs: 0,
      state: this.#state,
    }));
    return Promise.reject(new CircuitOpenError(this.name, nextAttemptAt, now));
  }

  #ignore(start: number, generation: number): void {
    // A trial that proved nothing frees its slot for another trial.
    if (generation === this.#generation && this.#state === 'half-open') this.#trialsStarted--;
    this.#publishCall('ignored', false, !Number.isNaN(start) ? this.#clock.now() - start : 0);
  }

  #record(failure: boolean, start: number, generation: number): void {
    const o = this.#o;
    const timed = !Number.isNaN(start);
    const now = timed || this.#timeWindow ? this.#clock.now() : Number.NaN;
    const durationMs = timed ? now - start : 0;
    const slow = durationMs >= o.slowCallMs;
    this.#publishCall(failure ? 'failure' : 'success', slow, durationMs);
    if (generation !== this.#generation) return;
    if (this.#state === 'closed') {
      const window = this.#window;
      window.record(failure, slow, now);
      const calls = window.calls;
      if (calls < o.minimumCalls) return;
      const failures = window.failures;
      const slowCalls = window.slowCalls;
      if (failures * 100 >= o.failureRateThreshold * calls) this.#open(now, 'failure-rate');
      else if (slowCalls * 100 >= o.slowCallRateThreshold * calls)
        this.#open(now, 'slow-call-rate');
      return;
    }
    // half-open (an open breaker has no calls of its generation in flight)
    this.#trialCalls++;
    if (failure) this.#trialFailures++;
    if (slow) this.#trialSlow++;
    const max = o.halfOpenMaxCalls;
    // Open as soon as the remaining trials can no longer bring the rates below the thresholds.
    if (
      this.#trialFailures * 100 >= o.failureRateThreshold * max ||
      this.#trialSlow * 100 >= o.slowCallRateThreshold * max
    ) {
      this.#open(now, 'half-open-failed');
    } else if (this.#trialCalls >= max) {
      this.#window.clear();
      this.#transition('closed', 'half-open-succeeded');
    }
  }

  #publishCall(outcome: 'success' | 'failure' | 'ignored', slow: boolean, durationMs: number) {
    // Checked here so the hot path allocates no payload closure when nobody listens.
    if (!callChannel.hasSubscribers) return;
    publish(CHANNELS.breakerCall, () => ({
      name: this.name,
      outcome,
      slow,
      durationMs,
      state: this.#state,
    }));
  }

  #open(now: number, reason: BreakerStateEvent['reason']): void {
    this.#nextAttemptAt = (Number.isNaN(now) ? this.#clock.now() : now) + this.#o.openMs;
    this.#transition('open', reason);
  }

  #transition(to: BreakerState, reason: BreakerStateEvent['reason']): void {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    this.#trialsStarted = 0;
    this.#trialCalls = 0;
    this.#trialFailures = 0;
    this.#trialSlow = 0;
    publish(CHANNELS.breakerState, () => ({
      name: this.name,
      from,
      to,
      reason,
      timestamp: this.#o.clock.now(),
    }));
  }

  open(): void {
    this.#nextAttemptAt = Number.POSITIVE_INFINITY;
    this.#transition('open', 'manual');
  }

  close(): void {
    this.#window.clear();
    this.#transition('closed', 'manual');
  }

  reset(): void {
    this.#window.clear();
    if (this.#state === 'closed') this.#generation++;
    else this.#transition('closed', 'manual');
  }

  snapshot(): CircuitBreakerSnapshot {
    const state = this.state;
    const now = this.#o.clock.now();
    const counts =
      state === 'half-open'
        ? { calls: this.#trialCalls, failures: this.#trialFailures, slowCalls: this.#trialSlow }
        : this.#window.counts(now);
    const rate = (n: number) => (counts.calls === 0 ? 0 : (n * 100) / counts.calls);
    return {
      name: this.name,
      state,
      ...counts,
      failureRate: rate(counts.failures),
      slowCallRate: rate(counts.slowCalls),
      nextAttemptAt: state === 'open' ? this.#nextAttemptAt : undefined,
    };
  }
}
