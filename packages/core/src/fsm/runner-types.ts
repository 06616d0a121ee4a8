import type { DataOf, Flow } from './define-flow';
import type { ConversationStorage } from './storage';

/** A conversation as the runner sees it; `state` narrows `data`. */
export type ConversationSnapshot<Schemas> = {
  [S in keyof Schemas & string]: {
    readonly flow: string;
    readonly state: S;
    readonly data: DataOf<Schemas[S]>;
    readonly version: number;
    readonly startedAt: number;
    readonly updatedAt: number;
  };
}[keyof Schemas & string];

/** What {@link ConversationRunner.send} did. */
export type SendResult<Schemas> =
  | {
      readonly outcome: 'transitioned';
      readonly from: keyof Schemas & string;
      readonly to: keyof Schemas & string;
      readonly event: string;
      /** True when `to` is final: the conversation was deleted. */
      readonly completed: boolean;
      /** The saved conversation; `undefined` once completed. */
      readonly conversation: ConversationSnapshot<Schemas> | undefined;
    }
  /** No conversation of this flow under the key. */
  | { readonly outcome: 'no_conversation' }
  /** The conversation had been idle past `idleTimeoutMs`; it was removed. */
  | { readonly outcome: 'expired' }
  /** The current state does not accept this event. */
  | { readonly outcome: 'not_accepted'; readonly state: keyof Schemas & string }
  /** A guard said no. */
  | { readonly outcome: 'guard_rejected'; readonly state: keyof Schemas & string };

/** Options of {@link createConversationRunner}. */
export interface ConversationRunnerOptions<Schemas> {
  /** The flow, from `defineFlow()`. */
  readonly flow: Flow<Schemas>;
  /** Where conversations live. @default createMemoryConversationStorage() */
  readonly storage?: ConversationStorage;
  /**
   * How many times a write that lost a race is recomputed on the fresh state
   * before `ConcurrentModificationError` reaches the caller.
   * @default 2
   */
  readonly conflictRetries?: number;
  /** Clock in ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** Loads, moves and saves the conversations of one flow. */
export interface ConversationRunner<Schemas> {
  readonly flow: Flow<Schemas>;
  /** The active conversation under `key`, or `undefined` (none, other flow, or expired). */
  get(key: string): Promise<ConversationSnapshot<Schemas> | undefined>;
  /** Starts (or restarts) the conversation in the initial state, then runs its entry hook. */
  start(key: string, data?: unknown): Promise<ConversationSnapshot<Schemas>>;
  /** Applies `event` to the conversation under `key` (compare-and-set), then runs exit/entry hooks. */
  send(key: string, event: string, payload?: unknown): Promise<SendResult<Schemas>>;
  /** Ends the conversation under `key`; resolves to whether one was active. */
  cancel(key: string): Promise<boolean>;
}
