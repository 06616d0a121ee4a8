import type { ChannelName, ChannelPayloads } from '@portcullis/core';

/** One channel and the listener that records its events. */
export interface Binding {
  readonly channel: ChannelName;
  readonly listener: (payload: never) => void;
}

/** Pairs a channel with a listener typed by that channel's payload. */
export function on<Name extends ChannelName>(
  channel: Name,
  listener: (payload: ChannelPayloads[Name]) => void,
): Binding {
  return { channel, listener };
}

/** Converts a duration in milliseconds to the catalog's base unit. */
export function toSeconds(ms: number): number {
  return ms / 1000;
}
