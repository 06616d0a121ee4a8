import {
  createServiceClient,
  type ServiceClient,
  type ServiceClientOptions,
} from '@portcullis/core';
import { createSigner } from '@portcullis/signing';
import { z } from 'zod';
import type { RequestDraft } from './flows/request-flow';

const telegramId = z.number().int().positive();
const user = z.object({
  id: z.string(),
  telegramId,
  name: z.string(),
  phone: z.string().nullable().optional(),
});
const serviceRequest = z.object({
  id: z.string(),
  telegramId,
  category: z.string(),
  description: z.string(),
  location: z.string(),
  urgency: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  createdAt: z.string(),
});
const requestPage = z.object({
  items: z.array(serviceRequest),
  total: z.number().int().nonnegative(),
  limit: z.number().int(),
  offset: z.number().int(),
});
const shift = z.object({
  startsAt: z.string(),
  endsAt: z.string(),
  location: z.string(),
  role: z.string(),
});
const shiftList = z.object({ items: z.array(shift) });
const adminStatus = z.object({ telegramId, isAdmin: z.boolean() });

/** A user as users-service returns it. */
export type BackendUser = z.output<typeof user>;
/** A service request as request-service returns it. */
export type BackendRequest = z.output<typeof serviceRequest>;
/** A page of requests. */
export type BackendRequestPage = z.output<typeof requestPage>;
/** A shift as shifts-service returns it. */
export type BackendShift = z.output<typeof shift>;

/** Where each backend lives and how calls to it are signed. */
export interface BackendsOptions {
  readonly urls: {
    readonly users: string;
    readonly requests: string;
    readonly shifts: string;
    readonly admin: string;
  };
  /**
   * The gateway's signing key. Each backend gets its own signer whose
   * audience is `<name>-service`, so a call signed for one service is
   * refused by every other.
   */
  readonly signing: { readonly keyId: string; readonly secret: string | Uint8Array };
  /** Deadline of one attempt. @default 3000 */
  readonly timeoutMs?: number;
  /** Overrides for every client (breaker, retry, bulkhead). */
  readonly clientOptions?: Partial<ServiceClientOptions>;
}

/** Per-call context passed to every backend call. */
export interface CallContext {
  readonly requestId?: string;
  readonly signal?: AbortSignal;
}

/**
 * The gateway's typed view of its four backends. Each has its own pooled
 * client with a breaker, retries (idempotent calls only) and a bulkhead, and
 * signs every attempt.
 */
export function createBackends(options: BackendsOptions) {
  const timeoutMs = options.timeoutMs ?? 3000;
  const make = (name: string, baseUrl: string): ServiceClient =>
    createServiceClient({
      name,
      baseUrl,
      timeoutMs,
      signRequest: createSigner({ ...options.signing, audience: `${name}-service` }).sign,
      breaker: {
        window: { type: 'count', size: 20 },
        minimumCalls: 5,
        failureRateThreshold: 50,
        openMs: 5000,
      },
      ...options.clientOptions,
    });
  const clients = {
    users: make('users', options.urls.users),
    requests: make('requests', options.urls.requests),
    shifts: make('shifts', options.urls.shifts),
    admin: make('admin', options.urls.admin),
  };

  return {
    clients,
    async registerUser(
      input: { telegramId: number; name: string; phone?: string },
      call: CallContext = {},
    ) {
      return (
        await clients.users.post('/v1/users', {
          body: input,
          schema: user,
          idempotent: true,
          ...call,
        })
      ).data;
    },
    async findUser(id: number, call: CallContext = {}): Promise<BackendUser | undefined> {
      try {
        return (
          await clients.users.get('/v1/users/by-telegram/:telegramId', {
            params: { telegramId: id },
            schema: user,
            ...call,
          })
        ).data;
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      }
    },
    async createRequest(
      telegramUserId: number,
      draft: RequestDraft,
      idempotencyKey: string,
      call: CallContext = {},
    ) {
      return (
        await clients.requests.post('/v1/requests', {
          body: { telegramId: telegramUserId, ...draft },
          headers: { 'idempotency-key': idempotencyKey },
          schema: serviceRequest,
          idempotent: true, // the service deduplicates by Idempotency-Key
          ...call,
        })
      ).data;
    },
    async listRequests(
      query: { telegramId?: number; status?: 'pending'; limit: number; offset: number },
      call: CallContext = {},
    ) {
      return (await clients.requests.get('/v1/requests', { query, schema: requestPage, ...call }))
        .data;
    },
    async decideRequest(
      id: string,
      decision: 'approve' | 'reject',
      adminTelegramId: number,
      call: CallContext = {},
    ) {
      return (
        await clients.requests.post('/v1/requests/:id/decision', {
          params: { id },
          body: { decision, adminTelegramId },
          schema: serviceRequest,
          ...call,
        })
      ).data;
    },
    async listShifts(telegramUserId: number, call: CallContext = {}) {
      return (
        await clients.shifts.get('/v1/shifts', {
          query: { telegramId: telegramUserId, days: 7 },
          schema: shiftList,
          ...call,
        })
      ).data.items;
    },
    async isAdmin(telegramUserId: number, call: CallContext = {}) {
      return (
        await clients.admin.get('/v1/admins/:telegramId', {
          params: { telegramId: telegramUserId },
          schema: adminStatus,
          ...call,
        })
      ).data.isAdmin;
    },
    async audit(
      entry: {
        actorTelegramId: number;
        action: 'approve' | 'reject' | 'view_pending';
        targetType: string;
        targetId: string;
      },
      call: CallContext = {},
    ) {
      await clients.admin.post('/v1/audit', { body: entry, ...call });
    },
    async close() {
      await Promise.all(Object.values(clients).map((client) => client.close()));
    },
  };
}

/** The gateway's backends. */
export type Backends = ReturnType<typeof createBackends>;
