import type { Message } from '@grammyjs/types';

/** A command parsed from a message: `/name@bot args`. */
export interface ParsedCommand {
  /** The command name without `/` and `@bot`. */
  readonly name: string;
  /** Everything after the command, trimmed (`''` when none). */
  readonly args: string;
  /** The `/start` deep-link payload when valid (1–64 of A-Z a-z 0-9 _ -). */
  readonly payload: string | undefined;
}

const PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Parses the command of `message`: a `bot_command` entity at offset 0.
 * Returns `undefined` when there is none, or when it is addressed to another
 * bot (`/cmd@OtherBot`; the username is compared case-insensitively).
 */
export function parseCommand(
  message: Message | undefined,
  botUsername: string | undefined,
): ParsedCommand | undefined {
  const text = message?.text;
  if (text === undefined || text.charCodeAt(0) !== 47 /* / */) return undefined;
  const entity = message!.entities?.[0];
  if (entity === undefined || entity.type !== 'bot_command' || entity.offset !== 0)
    return undefined;
  const token = text.slice(1, entity.length);
  const at = token.indexOf('@');
  const name = at === -1 ? token : token.slice(0, at);
  if (at !== -1) {
    const target = token.slice(at + 1);
    if (botUsername === undefined || target.toLowerCase() !== botUsername.toLowerCase())
      return undefined;
  }
  const args = text.slice(entity.length).trim();
  return { name, args, payload: name === 'start' && PAYLOAD.test(args) ? args : undefined };
}
