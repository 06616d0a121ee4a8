import { randomUUID } from 'node:crypto';

/** A registered user. */
export interface User {
  readonly id: string;
  readonly telegramId: number;
  readonly name: string;
  readonly phone: string | null;
  readonly createdAt: string;
}

/** Where users live. */
export interface UserStore {
  /** Registers a user, or returns (and updates the name/phone of) the existing one. */
  register(input: { telegramId: number; name: string; phone?: string | undefined }): Promise<{
    user: User;
    created: boolean;
  }>;
  byId(id: string): Promise<User | undefined>;
  byTelegramId(telegramId: number): Promise<User | undefined>;
}

/** A user store in memory (one process). */
export function createMemoryUserStore(now: () => Date = () => new Date()): UserStore {
  const byTelegram = new Map<number, User>();
  const byId = new Map<string, User>();
  return {
    async register(input) {
      const existing = byTelegram.get(input.telegramId);
      if (existing !== undefined) {
        const updated: User = {
          ...existing,
          name: input.name,
          phone: input.phone ?? existing.phone,
        };
        byTelegram.set(updated.telegramId, updated);
        byId.set(updated.id, updated);
        return { user: updated, created: false };
      }
      const user: User = {
        id: randomUUID(),
        telegramId: input.telegramId,
        name: input.name,
        phone: input.phone ?? null,
        createdAt: now().toISOString(),
      };
      byTelegram.set(user.telegramId, user);
      byId.set(user.id, user);
      return { user, created: true };
    },
    byId: async (id) => byId.get(id),
    byTelegramId: async (telegramId) => byTelegram.get(telegramId),
  };
}
