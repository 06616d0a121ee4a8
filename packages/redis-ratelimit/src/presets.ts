import { invalidOption } from '@portcullis/core';
import { type Algorithm, definePolicy, type Policy, type WindowOptions } from './policy';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Overrides accepted by the preset functions. */
export interface PresetOverrides {
  /** @default 'sliding-window' */
  readonly algorithm?: Algorithm;
  /** @default the preset's own name */
  readonly name?: string;
  /**
   * Other limits for some of the preset's windows, by window name (for
   * example `{ minute: 30 }`); a name the preset does not have is refused.
   * @default the preset's limits
   */
  readonly limits?: Readonly<Record<string, number>>;
  /** Another burst allowance (0 for none). @default the preset's burst */
  readonly burst?: number;
}

/** The preset's policy with `overrides` applied; `definePolicy` checks the numbers. */
function preset(
  name: string,
  windows: readonly WindowOptions[],
  burst: number,
  overrides: PresetOverrides,
): Policy {
  const limits = overrides.limits ?? {};
  for (const window of Object.keys(limits))
    if (!windows.some((known) => known.name === window))
      throw invalidOption(
        `limits.${window}`,
        `one of the ${name} preset's windows (${windows.map((known) => known.name).join(', ')})`,
        limits[window],
      );
  return definePolicy({
    name: overrides.name ?? name,
    algorithm: overrides.algorithm,
    windows: windows.map((window) => ({ ...window, limit: limits[window.name] ?? window.limit })),
    burst: overrides.burst ?? burst,
  });
}

/** Chat messages: 20 per minute and 100 per hour, burst +5 (per hour). */
export function messagesPolicy(overrides: PresetOverrides = {}): Policy {
  return preset(
    'messages',
    [
      { name: 'minute', limit: 20, windowMs: MINUTE },
      { name: 'hour', limit: 100, windowMs: HOUR },
    ],
    5,
    overrides,
  );
}

/** Bot commands: 5 per minute, burst +2 (per minute). */
export function commandsPolicy(overrides: PresetOverrides = {}): Policy {
  return preset('commands', [{ name: 'minute', limit: 5, windowMs: MINUTE }], 2, overrides);
}

/** API calls: 10 per second, burst +5 (per second). */
export function apiPolicy(overrides: PresetOverrides = {}): Policy {
  return preset('api', [{ name: 'second', limit: 10, windowMs: 1000 }], 5, overrides);
}

/** Incoming webhooks: 100 per second, burst +50 (per second). */
export function webhooksPolicy(overrides: PresetOverrides = {}): Policy {
  return preset('webhooks', [{ name: 'second', limit: 100, windowMs: 1000 }], 50, overrides);
}

/** The seed system's policies, ready to use (sliding window). */
export const PRESETS = Object.freeze({
  messages: messagesPolicy(),
  commands: commandsPolicy(),
  api: apiPolicy(),
  webhooks: webhooksPolicy(),
});
