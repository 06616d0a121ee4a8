import diagnosticsChannel from 'node:diagnostics_channel';
import type { VerifyErrorCode } from './errors';

/**
 * The `node:diagnostics_channel` names this package publishes on. They are
 * the same strings as `CHANNELS.signingVerify` / `CHANNELS.signingSign` in
 * `@portcullis/core`, declared here so this package depends on nothing of ours.
 */
export const SIGNING_CHANNELS = {
  /** A verification finished. Payload: {@link SigningVerifyEvent}. */
  verify: 'portcullis:signing:verify',
  /** A request was signed. Payload: {@link SigningSignEvent}. */
  sign: 'portcullis:signing:sign',
} as const;

/** Payload published on `portcullis:signing:verify`. */
export interface SigningVerifyEvent {
  readonly outcome: 'valid' | 'invalid';
  /** The key id the request named, when it could be parsed. */
  readonly keyId?: string;
  /** Why it was rejected, when `outcome` is `invalid`. */
  readonly errorCode?: VerifyErrorCode;
  readonly durationMs: number;
}

/** Payload published on `portcullis:signing:sign`. */
export interface SigningSignEvent {
  readonly keyId: string;
  readonly durationMs: number;
}

// Strong references: Node holds channel objects weakly.
export const verifyChannel = diagnosticsChannel.channel(SIGNING_CHANNELS.verify);
export const signChannel = diagnosticsChannel.channel(SIGNING_CHANNELS.sign);
