import type { Update } from '@grammyjs/types';
import type { MethodAnswer } from './bot-api-methods';
import { apiError } from './faults';

interface Waiter {
  readonly wake: (answer: MethodAnswer | undefined) => void;
}

/** Server-side update storage with getUpdates' offset, limit and long-poll semantics. */
export class UpdateQueue {
  #pending: Update[] = [];
  #waiter: Waiter | undefined;
  #allowed: readonly string[] | undefined;
  #closed = false;

  get pending(): readonly Update[] {
    return this.#pending;
  }

  push(updates: readonly Update[]): void {
    this.#pending.push(...updates);
    this.#pending.sort((a, b) => a.update_id - b.update_id);
    this.#waiter?.wake(undefined);
  }

  /** Removes and returns the first pending update matching the allowed types. */
  shift(allowed: readonly string[] | undefined): Update | undefined {
    for (;;) {
      const next = this.#pending.shift();
      if (next === undefined || isAllowed(next, allowed)) return next;
    }
  }

  /** Drops every pending update. */
  dropAll(): void {
    this.#pending = [];
  }

  async getUpdates(p: Record<string, unknown>, signal: AbortSignal): Promise<MethodAnswer> {
    const offset = p.offset === undefined ? undefined : Number(p.offset);
    const limit = Math.min(100, Math.max(1, p.limit === undefined ? 100 : Number(p.limit)));
    const timeoutMs = Math.max(0, Number(p.timeout ?? 0)) * 1000;
    if (Array.isArray(p.allowed_updates)) this.#allowed = p.allowed_updates.map(String);
    if (offset !== undefined) this.#confirm(offset);
    // A newer poller terminates the older one, as Telegram does.
    this.#waiter?.wake(
      apiError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ),
    );
    this.#waiter = undefined;
    const ready = () => this.#pending.filter((u) => isAllowed(u, this.#allowed)).slice(0, limit);
    if (ready().length > 0 || timeoutMs === 0 || this.#closed)
      return { status: 200, body: { ok: true, result: ready() } };
    const woken = await new Promise<MethodAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      timer.unref();
      const finish = (answer: MethodAnswer | undefined) => {
        clearTimeout(timer);
        if (this.#waiter === waiter) this.#waiter = undefined;
        resolve(answer);
      };
      const waiter: Waiter = { wake: finish };
      this.#waiter = waiter;
      signal.addEventListener('abort', () => finish(undefined), { once: true });
    });
    return woken ?? { status: 200, body: { ok: true, result: ready() } };
  }

  close(): void {
    this.#closed = true;
    this.#waiter?.wake(undefined);
  }

  #confirm(offset: number): void {
    if (offset < 0) {
      this.#pending = this.#pending.slice(offset);
      return;
    }
    this.#pending = this.#pending.filter(
      (u) => u.update_id >= offset && isAllowed(u, this.#allowed),
    );
  }
}

function isAllowed(update: Update, allowed: readonly string[] | undefined): boolean {
  const type = Object.keys(update).find((k) => k !== 'update_id') ?? '';
  if (allowed === undefined || allowed.length === 0)
    return !['chat_member', 'message_reaction', 'message_reaction_count'].includes(type);
  return allowed.includes(type);
}
