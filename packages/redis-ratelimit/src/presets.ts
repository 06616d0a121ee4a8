import { type Algorithm, definePolicy, type Policy } from './policy';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Overrides accepted by the preset functions. */
export interface PresetOverrides {
  /** @default 'sliding-window' */
  readonly algorithm?: Algorithm;
  /** @default the preset's own name */
  readonly name?: string;
}

/** Chat messages: 20 per minute and 100 per hour, burst +5 (per hour). */
export function messagesPolicy(overrides: PresetOverrides = {}): Policy {
  return definePolicy({
    name: overrides.name ?? 'messages',
    algorithm: overrides.algorithm,
    windows: [
      { name: 'minute', limit: 20, windowMs: MINUTE },
      { name: 'hour', limit: 100, windowMs: HOUR },
    ],
    burst: 5,
  });
}

/** Bot commands: 5 per minute, burst +2 (per minute). */
export function commandsPolicy(overrides: PresetOverrides = {}): Policy {
  return definePolicy({
    name: overrides.name ?? 'commands',
    algorithm: overrides.algorithm,
    windows: [{ name: 'minute', limit: 5, windowMs: MINUTE }],
    burst: 2,
  });
}

/** API calls: 10 per second, burst +5 (per second). */
export function apiPolicy(overrides: PresetOverrides = {}): Policy {
  return definePolicy({
    name: overrides.name ?? 'api',
    algorithm: overrides.algorithm,
    windows: [{ name: 'second', limit: 10, windowMs: 1000 }],
    burst: 5,
  });
}

/** Incoming webhooks: 100 per second, burst +50 (per second). */
export function webhooksPolicy(overrides: PresetOverrides = {}): Policy {
  return definePolicy({
    name: overrides.name ?? 'webhooks',
    algorithm: overrides.algorithm,
    windows: [{ name: 'second', limit: 100, windowMs: 1000 }],
    burst: 50,
  });
}

/** The seed system's policies, ready to use (sliding window). */
export const PRESETS = Object.freeze({
  messages: messagesPolicy(),
  commands: commandsPolicy(),
  api: apiPolicy(),
  webhooks: webhooksPolicy(),
});
