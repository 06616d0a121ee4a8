/**
 * The update mix both stacks receive: alternately `/shifts` (a per-user
 * limit check, a signed backend call and a reply) and a plain text message
 * (a per-user limit check and the help reply). Every update comes from a new
 * private chat, so per-user limits and per-chat flood control never decide
 * and the figures are the cost of the path, not of a refusal.
 */

/** Produces webhook bodies, each with a fresh update id, user and chat. */
export interface UpdateSource {
  /** The JSON body of the next update. */
  next(): string;
  /** Updates produced so far. */
  readonly produced: () => number;
  /** `/shifts` commands among them (each should cause one signed backend call). */
  readonly commands: () => number;
}

/** Options of {@link createUpdateSource}. */
export interface UpdateSourceOptions {
  /** First user (and private chat) id. @default 1_000_000 */
  readonly firstUserId?: number;
  /** First update id. @default 1 */
  readonly firstUpdateId?: number;
}

/** Creates the update stream of one run (ids never repeat within it). */
export function createUpdateSource(options: UpdateSourceOptions = {}): UpdateSource {
  const firstUserId = options.firstUserId ?? 1_000_000;
  let updateId = options.firstUpdateId ?? 1;
  let produced = 0;
  let commands = 0;
  return {
    next() {
      const user = firstUserId + produced;
      const isCommand = produced % 2 === 0;
      produced++;
      if (isCommand) commands++;
      const from = { id: user, is_bot: false, first_name: 'Load', language_code: 'en' };
      const message = {
        message_id: produced,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user, type: 'private', first_name: 'Load' },
        from,
        ...(isCommand
          ? { text: '/shifts', entities: [{ type: 'bot_command', offset: 0, length: 7 }] }
          : { text: 'hello, what can you do?' }),
      };
      return JSON.stringify({ update_id: updateId++, message });
    },
    produced: () => produced,
    commands: () => commands,
  };
}
