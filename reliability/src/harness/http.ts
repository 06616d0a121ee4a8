/** Small HTTP helpers: post an update as Telegram would, scrape and read metrics. */
import type { Update } from '@grammyjs/types';
import { WEBHOOK_PATH, WEBHOOK_SECRET } from './gateway';

/** Posts one update to a gateway's webhook; resolves with the status. */
export async function postUpdate(
  baseUrl: string,
  update: Update | string,
  headers: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(`${baseUrl}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': WEBHOOK_SECRET,
      ...headers,
    },
    body: typeof update === 'string' ? update : JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The Prometheus text exposition of a gateway. */
export async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

/**
 * The sum of every sample of `name` whose labels include all of `labels`
 * (0 when there is none): `metric(text, 'portcullis_updates_total', { outcome: 'handled' })`.
 */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`)))
      sum += Number(match[3]);
  }
  return sum;
}

/** Polls `condition` every 20 ms until it holds, failing after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
