import { PortcullisError, type PortcullisErrorOptions } from '../errors/portcullis-error';

/**
 * A conversation changed between read and write: another update (maybe on
 * another gateway replica) saved it first. Nothing was written; reload and
 * retry.
 */
export class ConcurrentModificationError extends PortcullisError {
  /** The storage key that was contended. */
  readonly key: string;
  /** The version the writer expected (`null`: expected no conversation). */
  readonly expectedVersion: number | null;
  /** The version found instead (`null`: no conversation). */
  readonly actualVersion: number | null;

  constructor(key: string, expectedVersion: number | null, actualVersion: number | null) {
    super(
      'concurrent_modification',
      `Conversation ${key} changed concurrently: expected version ${expectedVersion ?? 'none'}, found ${actualVersion ?? 'none'}`,
      { details: { key, expectedVersion, actualVersion } },
    );
    this.key = key;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** Codes a conversation runner fails with. */
export type ConversationErrorCode =
  | 'invalid_transition'
  | 'unknown_state'
  | 'invalid_state_data'
  | 'conversation_expired'
  | 'storage_unavailable';

/** A conversation could not move on: unknown state, invalid data, storage down. */
export class ConversationError extends PortcullisError {
  /** The flow id. */
  readonly flow: string;

  constructor(
    code: ConversationErrorCode,
    flow: string,
    message: string,
    options: PortcullisErrorOptions = {},
  ) {
    super(code, message, { ...options, details: { flow, ...options.details } });
    this.flow = flow;
  }
}
