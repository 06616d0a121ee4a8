import { randomUUID } from 'node:crypto';

/** One recorded admin action. */
export interface AuditEntry {
  readonly id: string;
  readonly actorTelegramId: number;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly note: string | null;
  readonly at: string;
}

/** An append-only audit log in memory, bounded (oldest entries dropped first). */
export function createAuditLog(options: { maxEntries?: number; now?: () => Date } = {}) {
  const entries: AuditEntry[] = [];
  const max = options.maxEntries ?? 10_000;
  const now = options.now ?? (() => new Date());
  return {
    append(entry: Omit<AuditEntry, 'id' | 'at'>): AuditEntry {
      const stored: AuditEntry = { id: randomUUID(), ...entry, at: now().toISOString() };
      entries.push(stored);
      if (entries.length > max) entries.splice(0, entries.length - max);
      return stored;
    },
    /** Newest first. */
    latest(limit: number): AuditEntry[] {
      return entries.slice(-limit).reverse();
    },
  };
}

/** The audit log's interface. */
export type AuditLog = ReturnType<typeof createAuditLog>;
