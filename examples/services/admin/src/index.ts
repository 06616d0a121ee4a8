/** admin-service of the reference gateway. @module */
export type { AdminServiceOptions } from './app';
export { createAdminService } from './app';
export type { AuditEntry, AuditLog } from './audit-log';
export { createAuditLog } from './audit-log';
