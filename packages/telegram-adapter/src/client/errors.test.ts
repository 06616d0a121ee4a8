import { CHANNELS, retry, subscribe } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { TelegramApiError } from './errors';

describe('TelegramApiError', () => {
  it('carries retry_after in milliseconds too, which retry() waits out exactly', async () => {
    const flood = new TelegramApiError('sendMessage', 429, 'Too Many Requests', { retry_after: 1 });
    expect(flood.retryAfterSeconds).toBe(1);
    expect(flood.retryAfterMs).toBe(1000);
    expect(new TelegramApiError('getMe', 400, 'Bad Request').retryAfterMs).toBeUndefined();

    const delays: number[] = [];
    const off = subscribe(CHANNELS.retry, (e) => delays.push(e.delayMs));
    let calls = 0;
    const result = await retry({ maxAttempts: 2, initialDelayMs: 10, random: () => 1 }).execute(
      async () => {
        if (calls++ === 0) throw flood;
        return 'sent';
      },
    );
    off();
    expect(result).toBe('sent');
    // Not the 10 ms backoff: Telegram's 1 s.
    expect(delays).toEqual([1000]);
  });
});
