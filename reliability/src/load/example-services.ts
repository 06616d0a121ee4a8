/**
 * The four example backends for the load run, verifying every call's RFC 9421
 * signature and nonce as in production, with shifts-service on the computed
 * demo schedule (see `shift-schedule.ts`) and every answer counted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAdminService } from '../../../examples/services/admin/src/index';
import {
  createMemoryRequestStore,
  createRequestsService,
} from '../../../examples/services/requests/src/index';
import {
  listen,
  type RunningService,
  type ServiceApp,
} from '../../../examples/services/shared/src/index';
import { createShiftsService } from '../../../examples/services/shifts/src/index';
import {
  createMemoryUserStore,
  createUsersService,
} from '../../../examples/services/users/src/index';
import { ADMIN_ID, type Services, SIGNING_KEY } from '../harness/services';
import { createComputedShiftStore } from './shift-schedule';

/** The example backends, with what they answered. */
export interface LoadServices {
  /** URLs in the shape `gatewayEnv` takes. */
  readonly services: Services;
  /** Signed calls answered 2xx, over all four. */
  readonly served: () => number;
  /** Calls answered otherwise (refused signature, replay, error). */
  readonly refused: () => number;
  close(): Promise<void>;
}

/** Starts users, requests, shifts and admin on 127.0.0.1. */
export async function startExampleServices(): Promise<LoadServices> {
  const keys = [{ id: SIGNING_KEY.id, secret: SIGNING_KEY.secret }];
  const log = () => {};
  let served = 0;
  let refused = 0;
  const counted = (inner: ServiceApp): ServiceApp => ({
    ...inner,
    listener(req: IncomingMessage, res: ServerResponse) {
      if (!req.url?.startsWith('/health') && !req.url?.startsWith('/ready')) {
        res.once('finish', () => {
          if (res.statusCode < 300) served++;
          else refused++;
        });
      }
      inner.listener(req, res);
    },
  });
  const apps = {
    users: createUsersService({ keys, log, store: createMemoryUserStore() }),
    requests: createRequestsService({ keys, log, store: createMemoryRequestStore() }),
    shifts: createShiftsService({ keys, log, store: createComputedShiftStore() }),
    admin: createAdminService({ keys, log, adminTelegramIds: [ADMIN_ID] }),
  };
  const running: RunningService[] = [];
  const urls = {} as Record<keyof typeof apps, string>;
  for (const [name, app] of Object.entries(apps) as [keyof typeof apps, ServiceApp][]) {
    const service = await listen(counted(app));
    running.push(service);
    urls[name] = service.url;
  }
  const unsupported = () => Promise.reject(new Error('not supported in the load run'));
  return {
    // Only `urls` is read by `gatewayEnv`; fault controls are not part of a load run.
    services: {
      urls,
      received: { users: 0, requests: 0, shifts: 0, admin: 0 },
      slow: () => {},
      stop: unsupported,
      restart: unsupported,
      close: unsupported,
    },
    served: () => served,
    refused: () => refused,
    close: async () => {
      await Promise.all(running.map((s) => s.close()));
    },
  };
}
