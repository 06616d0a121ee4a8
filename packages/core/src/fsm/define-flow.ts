import type { z } from 'zod';
import { invalidOption } from '../errors/portcullis-error';

/** The data type a state's schema produces (`unknown` for a state without one). */
export type DataOf<Schema> = Schema extends z.ZodType ? z.output<Schema> : unknown;

/** What guards and `assign` see. */
export interface TransitionArgs<Data> {
  /** The data of the state the conversation is leaving. */
  readonly data: Data;
  readonly event: string;
  readonly payload: unknown;
}

/** A transition with a guard and/or a data update. */
export interface TransitionConfig<StateName extends string, Data> {
  /** The state to move to; must be one of the flow's states. */
  readonly target: StateName;
  /**
   * Allows the transition when true. Must be free of side effects: the runner
   * may evaluate it again when a concurrent write forces a retry.
   */
  readonly guard?: (args: TransitionArgs<Data>) => boolean | Promise<boolean>;
  /**
   * The target state's data (validated by its schema). Pure, like `guard`.
   * @default the current data, unchanged
   */
  readonly assign?: (args: TransitionArgs<Data>) => unknown;
}

/** What entry and exit hooks see. */
export interface HookArgs<Data> {
  /** The conversation's storage key. */
  readonly key: string;
  readonly flow: string;
  readonly state: string;
  readonly data: Data;
  /** The event that caused the move (`undefined` when the conversation starts). */
  readonly event: string | undefined;
  readonly payload: unknown;
}

/** One state of a flow. */
export interface StateConfig<StateName extends string, Schema> {
  /** A zod schema for the state's data, checked on every entry. */
  readonly data?: Schema;
  /** Events this state accepts: the target state, or a {@link TransitionConfig}. */
  readonly on?: {
    readonly [event: string]: StateName | TransitionConfig<StateName, DataOf<Schema>>;
  };
  /** Reaching a final state completes the conversation (it is deleted). @default false */
  readonly final?: boolean;
  /** Runs after the move into this state was saved. */
  readonly onEnter?: (args: HookArgs<DataOf<Schema>>) => unknown;
  /** Runs after a move out of this state was saved. */
  readonly onExit?: (args: HookArgs<DataOf<Schema>>) => unknown;
}

/** The states of a flow, keyed by name; `Schemas` maps names to data schemas. */
export type StatesConfig<Schemas> = {
  readonly [S in keyof Schemas]: StateConfig<keyof Schemas & string, Schemas[S]>;
};

/** What {@link defineFlow} accepts. */
export interface FlowDefinition<Schemas> {
  /** A bounded label for metrics and storage (`signup`, `request_form`). */
  readonly id: string;
  /** The state a conversation starts in. */
  readonly initial: NoInfer<keyof Schemas & string>;
  /**
   * A conversation untouched this long is over: the next update finds none
   * and `CHANNELS.fsmConversation` gets `expired`.
   * @default 1800000 (30 minutes)
   */
  readonly idleTimeoutMs?: number;
  readonly states: StatesConfig<Schemas>;
}

/** A validated flow, ready for a conversation runner. */
export interface Flow<Schemas> {
  readonly id: string;
  readonly initial: keyof Schemas & string;
  readonly idleTimeoutMs: number;
  readonly states: StatesConfig<Schemas>;
}

/** The state names of a flow. */
export type StateOf<F> = F extends Flow<infer Schemas> ? keyof Schemas & string : never;

/** What a flow id may look like (a bounded metrics label). */
export const FLOW_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Declares a conversation flow: states, the events each accepts, guards,
 * per-state zod data schemas, entry/exit hooks and an idle timeout.
 * TypeScript rejects a transition to (or an `initial`) state that does not
 * exist; the same is checked at runtime for JavaScript callers.
 *
 * @example
 * ```ts
 * const signup = defineFlow({
 *   id: 'signup',
 *   initial: 'askName',
 *   states: {
 *     askName: { on: { text: { target: 'askPhone', assign: ({ payload }) => ({ name: payload }) } } },
 *     askPhone: { data: z.object({ name: z.string() }), on: { phone: 'done', cancel: 'done' } },
 *     done: { final: true },
 *   },
 * });
 * ```
 */
export function defineFlow<Schemas>(definition: FlowDefinition<Schemas>): Flow<Schemas> {
  if (typeof definition !== 'object' || definition === null) {
    throw invalidOption('definition', 'a flow definition object', definition);
  }
  const { id, initial, states } = definition;
  if (typeof id !== 'string' || !FLOW_ID_PATTERN.test(id)) {
    throw invalidOption('id', '1–64 characters of A-Z a-z 0-9 _ . -', id);
  }
  if (typeof states !== 'object' || states === null || Object.keys(states).length === 0) {
    throw invalidOption('states', 'an object with at least one state', states);
  }
  const names = new Set(Object.keys(states));
  if (!names.has(initial)) throw invalidOption('initial', `one of the states of ${id}`, initial);
  const idleTimeoutMs = definition.idleTimeoutMs ?? 30 * 60_000;
  if (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs <= 0) {
    throw invalidOption('idleTimeoutMs', 'a positive number of milliseconds', idleTimeoutMs);
  }
  for (const [name, state] of Object.entries<StateConfig<string, unknown>>(states)) {
    const schema = state.data as { safeParse?: unknown } | undefined;
    if (schema !== undefined && typeof schema?.safeParse !== 'function') {
      throw invalidOption(`states.${name}.data`, 'a zod schema', typeof schema);
    }
    for (const [event, transition] of Object.entries(state.on ?? {})) {
      const target = typeof transition === 'string' ? transition : transition?.target;
      if (typeof target !== 'string' || !names.has(target)) {
        throw invalidOption(`states.${name}.on.${event}`, `a state of ${id}`, target);
      }
    }
  }
  return Object.freeze({ id, initial, idleTimeoutMs, states });
}
