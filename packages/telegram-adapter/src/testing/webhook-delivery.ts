import type { Update } from '@grammyjs/types';
import { request } from 'undici';
import type { MethodAnswer } from './bot-api-methods';
import { apiError } from './faults';
import type { UpdateQueue } from './update-queue';

/** The webhook as getWebhookInfo reports it, plus delivery counters. */
export interface WebhookInfoState {
  url: string;
  secretToken: string | undefined;
  allowedUpdates: readonly string[] | undefined;
  maxConnections: number;
  lastErrorDate: number | undefined;
  lastErrorMessage: string | undefined;
  /** Delivery attempts made, successful or not. */
  attempts: number;
  /** Updates the webhook acknowledged with 2xx. */
  delivered: Update[];
  /** Updates given up on after every retry failed (Telegram drops them too). */
  dropped: Update[];
}

/**
 * Posts queued updates to the webhook URL like Telegram: one request per
 * update, a chat's next update only after its previous one was accepted,
 * retries with back-off on non-2xx or network failure, then gives up.
 */
export class WebhookDelivery {
  readonly info: WebhookInfoState = {
    url: '',
    secretToken: undefined,
    allowedUpdates: undefined,
    maxConnections: 40,
    lastErrorDate: undefined,
    lastErrorMessage: undefined,
    attempts: 0,
    delivered: [],
    dropped: [],
  };
  readonly #queue: UpdateQueue;
  readonly #retryDelaysMs: readonly number[];
  readonly #busyChats = new Set<string>();
  #inFlight = 0;
  #closed = false;
  #held: Update[] = [];

  constructor(queue: UpdateQueue, retryDelaysMs: readonly number[]) {
    this.#queue = queue;
    this.#retryDelaysMs = retryDelaysMs;
  }

  set(p: Record<string, unknown>): MethodAnswer {
    const url = typeof p.url === 'string' ? p.url : '';
    const secret = p.secret_token;
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(secret)))
      return apiError(400, 'Bad Request: secret token contains unallowed characters');
    if (p.drop_pending_updates === true) this.#queue.dropAll();
    this.info.url = url;
    this.info.secretToken = secret === undefined ? undefined : String(secret);
    this.info.allowedUpdates = Array.isArray(p.allowed_updates)
      ? p.allowed_updates.map(String)
      : this.info.allowedUpdates;
    this.info.maxConnections = p.max_connections === undefined ? 40 : Number(p.max_connections);
    this.kick();
    return {
      status: 200,
      body: {
        ok: true,
        result: true,
        description: url ? 'Webhook was set' : 'Webhook was deleted',
      },
    };
  }

  remove(p: Record<string, unknown>): MethodAnswer {
    return this.set({ drop_pending_updates: p.drop_pending_updates, url: '' });
  }

  describe(): Record<string, unknown> {
    return {
      url: this.info.url,
      has_custom_certificate: false,
      pending_update_count: this.#queue.pending.length + this.#held.length,
      max_connections: this.info.maxConnections,
      ...(this.info.allowedUpdates ? { allowed_updates: this.info.allowedUpdates } : {}),
      ...(this.info.lastErrorDate
        ? {
            last_error_date: this.info.lastErrorDate,
            last_error_message: this.info.lastErrorMessage,
          }
        : {}),
    };
  }

  /** Starts deliveries that can start now. */
  kick(): void {
    if (this.#closed || !this.info.url) return;
    while (this.#inFlight < this.info.maxConnections) {
      const index = this.#held.findIndex((u) => !this.#busyChats.has(chatKey(u)));
      let update = index === -1 ? undefined : this.#held.splice(index, 1)[0];
      if (!update) {
        update = this.#queue.shift(this.info.allowedUpdates);
        if (!update) return;
        if (this.#busyChats.has(chatKey(update))) {
          this.#held.push(update);
          continue;
        }
      }
      void this.#deliver(update);
    }
  }

  close(): void {
    this.#closed = true;
  }

  async #deliver(update: Update): Promise<void> {
    const key = chatKey(update);
    this.#busyChats.add(key);
    this.#inFlight++;
    try {
      for (let attempt = 0; attempt <= this.#retryDelaysMs.length && !this.#closed; attempt++) {
        if (attempt > 0)
          await new Promise((r) => setTimeout(r, this.#retryDelaysMs[attempt - 1]).unref());
        if (this.#closed || !this.info.url) return;
        this.info.attempts++;
        const error = await this.#post(update);
        if (error === undefined) {
          this.info.delivered.push(update);
          return;
        }
        this.info.lastErrorDate = Math.floor(Date.now() / 1000);
        this.info.lastErrorMessage = error;
      }
      if (!this.#closed) this.info.dropped.push(update);
    } finally {
      this.#busyChats.delete(key);
      this.#inFlight--;
      this.kick();
    }
  }

  async #post(update: Update): Promise<string | undefined> {
    try {
      const response = await request(this.info.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.info.secretToken
            ? { 'x-telegram-bot-api-secret-token': this.info.secretToken }
            : {}),
        },
        body: JSON.stringify(update),
        headersTimeout: 60_000,
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300
        ? undefined
        : `Wrong response from the webhook: ${response.statusCode}`;
    } catch (error) {
      return `Connection failed: ${(error as Error).message}`;
    }
  }
}

function chatKey(update: Update): string {
  const u = update as unknown as Record<
    string,
    | { chat?: { id: number }; message?: { chat?: { id: number } }; from?: { id: number } }
    | undefined
  >;
  for (const [field, value] of Object.entries(u)) {
    if (field === 'update_id' || !value) continue;
    const chat = value.chat ?? value.message?.chat;
    if (chat) return `c${chat.id}`;
    if (value.from) return `u${value.from.id}`;
  }
  return `id${update.update_id}`;
}
