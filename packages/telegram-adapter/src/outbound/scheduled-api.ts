import type {
  ApiClient,
  BotApiMethod,
  BotApiParams,
  BotApiResult,
  CallOptions,
} from '../client/api-client';
import type { OutboundPriority, OutboundScheduler } from './scheduler';

/** Per-call options of a scheduled client. */
export interface ScheduledCallOptions extends CallOptions {
  /** Priority lane. @default 'normal' */
  readonly priority?: OutboundPriority;
  /** Time the call may wait in the queue. */
  readonly deadlineMs?: number;
}

/** An {@link ApiClient} whose every call goes through an {@link OutboundScheduler}. */
export interface ScheduledApi {
  call<M extends BotApiMethod>(
    method: M,
    params?: BotApiParams<M>,
    options?: ScheduledCallOptions,
  ): Promise<BotApiResult<M>>;
  /** The underlying client (unscheduled; for getUpdates and webhook management). */
  readonly raw: ApiClient;
  readonly scheduler: OutboundScheduler;
}

/** Whether `method` sends or edits a message, and so counts against flood limits. */
export function isFloodLimited(method: string): boolean {
  return (
    (method.startsWith('send') && method !== 'sendChatAction') ||
    method.startsWith('copyMessage') ||
    method.startsWith('forwardMessage') ||
    method.startsWith('editMessage')
  );
}

/** Routes every call of `client` through `scheduler`, keyed by the call's `chat_id`. */
export function scheduleApi(client: ApiClient, scheduler: OutboundScheduler): ScheduledApi {
  return {
    raw: client,
    scheduler,
    call(method, params, options) {
      const chatId = (params as { chat_id?: number | string } | undefined)?.chat_id;
      return scheduler.schedule(
        {
          chatId,
          limited: isFloodLimited(method),
          priority: options?.priority,
          deadlineMs: options?.deadlineMs,
        },
        () => client.call(method, params, options),
      );
    },
  };
}
