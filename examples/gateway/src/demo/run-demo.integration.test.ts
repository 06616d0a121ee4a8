import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo';

describe('the embedded demo (npm run demo)', () => {
  it('runs the whole scenario over real HTTP, every step as expected, and exits 0', async () => {
    const transcript: string[] = [];
    const exitCode = await runDemo({ write: (line) => transcript.push(line) });
    const text = transcript.join('\n');

    expect(text).toContain('7 of 7 steps behaved as expected.');
    expect(exitCode).toBe(0);
    // The transcript shows the bot's answers and the operator's first metrics.
    expect(text).toMatch(/bot ← .*registered/i);
    expect(text).toMatch(
      /portcullis_ratelimit_decisions_total\{policy="messages",outcome="denied"\} [1-9]/,
    );
    expect(text).toMatch(/portcullis_business_events_total\{event="user_registered"/);
  }, 90_000);
});
