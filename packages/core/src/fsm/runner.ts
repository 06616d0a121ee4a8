import { invalidOption } from '../errors/portcullis-error';
import { CHANNELS, publish } from '../instrumentation/channels';
import type { HookArgs, StateConfig, TransitionConfig } from './define-flow';
import { ConcurrentModificationError, ConversationError } from './errors';
import { createMemoryConversationStorage } from './memory-storage';
import type {
  ConversationRunner,
  ConversationRunnerOptions,
  ConversationSnapshot,
  SendResult,
} from './runner-types';
import type { StoredConversation, VersionedConversation } from './storage';

type AnyState = StateConfig<string, unknown>;
type AnyTransition = TransitionConfig<string, unknown>;

/**
 * Runs a flow over a storage: every change is read → compute → compare-and-set,
 * so two replicas racing on one chat never lose a transition (the loser
 * recomputes on the winner's state, or gets `ConcurrentModificationError`).
 * Hooks run only after the change was saved. Publishes
 * `CHANNELS.fsmTransition` and `CHANNELS.fsmConversation`.
 *
 * @example
 * ```ts
 * const runner = createConversationRunner({ flow: signup, storage });
 * const key = conversationKey({ chatId: 1, userId: 2 });
 * await runner.start(key);
 * await runner.send(key, 'text', 'Ada');
 * ```
 */
export function createConversationRunner<Schemas>(
  options: ConversationRunnerOptions<Schemas>,
): ConversationRunner<Schemas> {
  const flow = options?.flow;
  if (typeof flow !== 'object' || flow === null || typeof flow.states !== 'object') {
    throw invalidOption('flow', 'a flow from defineFlow()', flow);
  }
  const storage = options.storage ?? createMemoryConversationStorage();
  const conflictRetries = options.conflictRetries ?? 2;
  if (!Number.isSafeInteger(conflictRetries) || conflictRetries < 0 || conflictRetries > 100) {
    throw invalidOption('conflictRetries', 'an integer from 0 to 100', conflictRetries);
  }
  const now = options.now ?? Date.now;
  const states = flow.states as unknown as Record<string, AnyState>;
  // Kept for twice the idle timeout so an expired conversation can be told
  // apart from one that never existed (and reported as `expired`).
  const ttlMs = flow.idleTimeoutMs * 2;
  type Snapshot = ConversationSnapshot<Schemas>;

  const stateOf = (name: string): AnyState => {
    const state = Object.hasOwn(states, name) ? states[name] : undefined;
    if (state === undefined) {
      throw new ConversationError(
        'unknown_state',
        flow.id,
        `Conversation of ${flow.id} is in state ${JSON.stringify(name)}, which the flow does not define`,
      );
    }
    return state;
  };

  const validate = (stateName: string, data: unknown): unknown => {
    const schema = stateOf(stateName).data as
      | { safeParse(value: unknown): { success: boolean; data?: unknown; error?: unknown } }
      | undefined;
    if (schema === undefined) return data;
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    throw new ConversationError(
      'invalid_state_data',
      flow.id,
      `Data for state ${stateName} of ${flow.id} does not match its schema`,
      { cause: parsed.error },
    );
  };

  const snapshot = (value: StoredConversation, version: number): Snapshot =>
    ({ ...value, version }) as unknown as Snapshot;

  const hookArgs = (
    key: string,
    state: string,
    data: unknown,
    event: string | undefined,
    payload: unknown,
  ): HookArgs<unknown> => ({ key, flow: flow.id, state, data, event, payload });

  /** Loads the conversation of this flow; removes and reports it when idle too long. */
  async function load(key: string): Promise<VersionedConversation | 'expired' | undefined> {
    const loaded = await storage.get(key);
    if (loaded === undefined || loaded.value.flow !== flow.id) return undefined;
    if (now() - loaded.value.updatedAt < flow.idleTimeoutMs) return loaded;
    try {
      await storage.delete(key, { expectedVersion: loaded.version });
      publish(CHANNELS.fsmConversation, { flow: flow.id, action: 'expired', key });
    } catch (error) {
      // Someone else touched it in the meantime: their write wins.
      if (!(error instanceof ConcurrentModificationError)) throw error;
    }
    return 'expired';
  }

  async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError) || tries >= conflictRetries)
          throw error;
      }
    }
  }

  return {
    flow,
    async get(key) {
      const loaded = await load(key);
      return typeof loaded === 'object' ? snapshot(loaded.value, loaded.version) : undefined;
    },

    async start(key, data) {
      const initialData = validate(flow.initial, data);
      const saved = await withRetries(async () => {
        const existing = await storage.get(key);
        const at = now();
        const value: StoredConversation = {
          flow: flow.id,
          state: flow.initial,
          data: initialData,
          startedAt: at,
          updatedAt: at,
        };
        const version = await storage.set(key, value, {
          expectedVersion: existing?.version ?? null,
          ttlMs,
        });
        return { value, version, replaced: existing };
      });
      if (saved.replaced !== undefined) {
        publish(CHANNELS.fsmConversation, {
          flow: saved.replaced.value.flow,
          action: 'cancelled',
          key,
        });
      }
      publish(CHANNELS.fsmConversation, {
        flow: flow.id,
        action: 'started',
        key,
        idleTimeoutMs: flow.idleTimeoutMs,
      });
      await stateOf(flow.initial).onEnter?.(
        hookArgs(key, flow.initial, initialData, undefined, undefined),
      );
      return snapshot(saved.value, saved.version);
    },

    async send(key, event, payload) {
      const result = await withRetries(async () => {
        const loaded = await load(key);
        if (loaded === undefined) return { outcome: 'no_conversation' } as const;
        if (loaded === 'expired') return { outcome: 'expired' } as const;
        const from = loaded.value.state;
        const source = stateOf(from);
        const on = source.on ?? {};
        const declared = Object.hasOwn(on, event) ? on[event] : undefined;
        if (declared === undefined) return { outcome: 'not_accepted', state: from } as const;
        const transition: AnyTransition =
          typeof declared === 'string' ? { target: declared } : declared;
        const args = { data: loaded.value.data, event, payload };
        if (transition.guard !== undefined && !(await transition.guard(args))) {
          return { outcome: 'guard_rejected', state: from } as const;
        }
        const to = transition.target;
        const target = stateOf(to);
        const data = validate(
          to,
          transition.assign === undefined ? args.data : transition.assign(args),
        );
        const value: StoredConversation = { ...loaded.value, state: to, data, updatedAt: now() };
        const completed = target.final === true;
        let version = 0;
        if (completed) await storage.delete(key, { expectedVersion: loaded.version });
        else version = await storage.set(key, value, { expectedVersion: loaded.version, ttlMs });
        return {
          outcome: 'transitioned',
          from,
          to,
          value,
          version,
          completed,
          previous: loaded,
        } as const;
      });
      if (result.outcome !== 'transitioned') return result as SendResult<Schemas>;
      const { from, to, value, version, completed, previous } = result;
      publish(CHANNELS.fsmTransition, {
        flow: flow.id,
        from,
        to,
        event,
        key,
        idleTimeoutMs: flow.idleTimeoutMs,
      });
      if (completed) publish(CHANNELS.fsmConversation, { flow: flow.id, action: 'completed', key });
      if (from !== to) {
        await stateOf(from).onExit?.(hookArgs(key, from, previous.value.data, event, payload));
        await stateOf(to).onEnter?.(hookArgs(key, to, value.data, event, payload));
      }
      return {
        outcome: 'transitioned',
        from,
        to,
        event,
        completed,
        conversation: completed ? undefined : snapshot(value, version),
      } as SendResult<Schemas>;
    },

    async cancel(key) {
      return withRetries(async () => {
        const loaded = await storage.get(key);
        if (loaded === undefined || loaded.value.flow !== flow.id) return false;
        await storage.delete(key, { expectedVersion: loaded.version });
        publish(CHANNELS.fsmConversation, { flow: flow.id, action: 'cancelled', key });
        return true;
      });
    },
  };
}
