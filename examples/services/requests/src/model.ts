import { z } from 'zod';

/** Categories a service request can have. */
export const CATEGORIES = [
  'plumbing',
  'electrical',
  'cleaning',
  'it',
  'security',
  'other',
] as const;
/** How urgent a request is. */
export const URGENCIES = ['low', 'normal', 'high', 'critical'] as const;
/** Where a request is in its life. */
export const STATUSES = ['pending', 'approved', 'rejected'] as const;

/** The body of `POST /v1/requests`. */
export const newRequestSchema = z.object({
  telegramId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  category: z.enum(CATEGORIES),
  description: z.string().trim().min(10).max(1000),
  location: z.string().trim().min(2).max(200),
  urgency: z.enum(URGENCIES),
});

/** A new request as validated. */
export type NewRequest = z.output<typeof newRequestSchema>;

/** A stored service request. */
export interface ServiceRequest extends NewRequest {
  /** Decimal string (a bigint in PostgreSQL). */
  readonly id: string;
  readonly status: (typeof STATUSES)[number];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly decidedBy: number | null;
  readonly decisionNote: string | null;
}

/** Filter and page of `list`. */
export interface ListQuery {
  readonly telegramId?: number;
  readonly status?: ServiceRequest['status'];
  readonly limit: number;
  readonly offset: number;
}

/** Outcome of `create`: the request, and whether this call created it. */
export type CreateOutcome =
  | { readonly kind: 'created' | 'replayed'; readonly request: ServiceRequest }
  /** The idempotency key was used before with a different body. */
  | { readonly kind: 'key_conflict' };

/** Outcome of `decide`. */
export type DecideOutcome =
  | { readonly kind: 'decided'; readonly request: ServiceRequest }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'not_pending'; readonly request: ServiceRequest };

/** Where requests live: memory or PostgreSQL, same semantics (one contract test). */
export interface RequestStore {
  /** Creates a request; with an idempotency key, a retry returns the first result. */
  create(input: NewRequest, idempotencyKey?: string): Promise<CreateOutcome>;
  get(id: string): Promise<ServiceRequest | undefined>;
  /** Newest first. */
  list(query: ListQuery): Promise<{ items: ServiceRequest[]; total: number }>;
  /** Approves or rejects a pending request, atomically (two admins cannot both decide). */
  decide(
    id: string,
    decision: 'approved' | 'rejected',
    by: number,
    note: string | null,
  ): Promise<DecideOutcome>;
  /** Throws when the store is unusable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A stable fingerprint of a new request, to detect a reused idempotency key. */
export function fingerprint(input: NewRequest): string {
  return JSON.stringify([
    input.telegramId,
    input.category,
    input.description,
    input.location,
    input.urgency,
  ]);
}
