/** request-service of the reference gateway. @module */
export type { RequestsServiceOptions } from './app';
export { createRequestsService } from './app';
export { createMemoryRequestStore } from './memory-store';
export type {
  CreateOutcome,
  DecideOutcome,
  ListQuery,
  NewRequest,
  RequestStore,
  ServiceRequest,
} from './model';
export { CATEGORIES, STATUSES, URGENCIES } from './model';
export { createPostgresRequestStore, MIGRATION } from './postgres-store';
