import type { Update } from '@grammyjs/types';
import {
  createMemoryEngine,
  createRateLimiter,
  type Policy,
  PRESETS,
} from '@portcullis/redis-ratelimit';
import { createUpdateFactory } from '@portcullis/telegram-adapter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, count } from '../harness/chat';
import { scaleOut } from '../harness/scale-out';

const REPLICAS = 3;
const system = scaleOut();
const updates = createUpdateFactory({ firstUpdateId: 1 });
const HELP = 'What I can do';
const SLOW_DOWN = 'You are sending too fast';

beforeAll(() => system.start({ replicas: REPLICAS }));
afterAll(() => system.stop());

/** What one process with its own memory limiter admits of `attempts` in a row from one user. */
async function singleProcessAdmits(policy: Policy, attempts: number): Promise<number> {
  const limiter = createRateLimiter({ policy, engine: createMemoryEngine() });
  let admitted = 0;
  for (let i = 0; i < attempts; i++) if ((await limiter.consume('user:1')).allowed) admitted++;
  return admitted;
}

describe(`${REPLICAS} gateway replicas on one Redis Cluster behind the reference nginx`, () => {
  it('holds the per-user command limit globally: round robin over the replicas admits what one process would', async () => {
    const user = 501;
    const attempts = 20;
    const expected = await singleProcessAdmits(PRESETS.commands, attempts);
    const handledBefore = await system.each('portcullis_updates_handled_total');
    for (let i = 0; i < attempts; i++)
      expect(await system.send(updates.command('help', undefined, { userId: user }))).toBe(200);

    expect(count(system.api, user, HELP)).toBe(expected);
    // Each replica tells the user to slow down once per limited period.
    expect(count(system.api, user, SLOW_DOWN)).toBeGreaterThanOrEqual(1);
    expect(count(system.api, user, SLOW_DOWN)).toBeLessThanOrEqual(REPLICAS);
    // nginx spread the user over every replica, and they decided together.
    const handled = await system.each('portcullis_updates_handled_total');
    for (const [index, after] of handled.entries())
      expect(after - handledBefore[index]!, `replica ${index}`).toBeGreaterThan(0);
    const allowed = await system.each('portcullis_ratelimit_decisions_total', {
      policy: 'commands',
      outcome: 'allowed',
    });
    expect(allowed.reduce((a, b) => a + b)).toBe(expected);
    expect(allowed.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(
      await system.total('portcullis_ratelimit_decisions_total', {
        policy: 'commands',
        outcome: 'denied',
      }),
    ).toBe(attempts - expected);
    // Decided in Redis, not by a memory fallback that would count per replica.
    expect(await system.total('portcullis_ratelimit_fallback_total')).toBe(0);
  });

  it('holds the per-user message limit globally for plain messages too', async () => {
    const user = 502;
    const attempts = 40;
    const expected = await singleProcessAdmits(PRESETS.messages, attempts);
    for (let i = 0; i < attempts; i++)
      expect(await system.send(updates.text(`hello ${i}`, { userId: user }))).toBe(200);
    // A plain message outside a conversation is answered with the help text.
    expect(count(system.api, user, HELP)).toBe(expected);
    expect(count(system.api, user, SLOW_DOWN)).toBeLessThanOrEqual(REPLICAS);
    expect(await system.total('portcullis_ratelimit_denials_total', { policy: 'messages' })).toBe(
      attempts - expected,
    );
    expect(await system.total('portcullis_ratelimit_fallback_total')).toBe(0);
  });

  it('continues a /request conversation on whichever replica gets the next update, and creates the request once', async () => {
    const user = 503;
    const [a, b, c] = system.replicas;
    const transitionsBefore = await system.each('portcullis_fsm_transitions_total');
    const step = async (update: Update, replica: typeof a) =>
      expect(await system.send(update, replica)).toBe(200);

    await step(updates.command('request', undefined, { userId: user }), a);
    const keyboard = system.api.messages(user).at(-1);
    await step(
      updates.callback(button(keyboard, 'req.cat:plumbing'), {
        userId: user,
        messageId: keyboard!.messageId,
      }),
      b,
    );
    expect(count(system.api, user, '(2/5)')).toBe(1);
    await step(updates.text('The kitchen sink leaks all day', { userId: user }), c);
    await step(updates.text('Kitchen, 2nd floor', { userId: user }), a);
    const summary = system.api.messages(user).at(-1);
    await step(
      updates.callback(button(summary, 'req.urg:high'), {
        userId: user,
        messageId: summary!.messageId,
      }),
      b,
    );
    const confirm = updates.callback(button(summary, 'req.confirm'), {
      userId: user,
      messageId: summary!.messageId,
    });
    await step(confirm, c);
    expect(system.api.messages(user).at(-1)?.text).toMatch(/Request <code>[^<]+<\/code> created/);
    // Telegram re-sends the confirm to another replica: dedup drops it.
    await step(confirm, a);

    const page = await system.requestsOf(user);
    expect(page.total).toBe(1);
    expect(page.items).toMatchObject([
      {
        category: 'plumbing',
        description: 'The kitchen sink leaks all day',
        location: 'Kitchen, 2nd floor',
        urgency: 'high',
      },
    ]);
    // Every replica moved the same conversation on.
    const transitions = await system.each('portcullis_fsm_transitions_total');
    for (const [index, after] of transitions.entries())
      expect(after - transitionsBefore[index]!, `replica ${index}`).toBeGreaterThan(0);
    expect(await system.total('portcullis_requests_created_total')).toBe(1);
  });

  it('keeps one chat at one message per second although three replicas reply to it at once', async () => {
    const user = 520;
    const perReplica = 2;
    const delivered = system.replicas.flatMap((replica) =>
      Array.from({ length: perReplica }, (_, i) =>
        system.send(updates.text(`paced ${replica.name} ${i}`, { userId: user }), replica),
      ),
    );
    expect(await Promise.all(delivered)).toEqual(Array(REPLICAS * perReplica).fill(200));

    // Every update got its reply, and the test Bot API saw them a second apart.
    expect(count(system.api, user, HELP)).toBe(REPLICAS * perReplica);
    const at = system.api
      .callsOf('sendMessage')
      .filter((call) => call.params.chat_id === user)
      .map((call) => call.at)
      .sort((a, b) => a - b);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps, `gaps ${gaps}`).toHaveLength(REPLICAS * perReplica - 1);
    // Slots are exactly a second apart in Redis time; each send follows its
    // replica's Redis reply, so replicas' reply latencies shift sends a little.
    for (const gap of gaps) expect(gap, `gaps ${gaps}`).toBeGreaterThanOrEqual(900);
    expect(at.at(-1)! - at[0]!, `gaps ${gaps}`).toBeGreaterThanOrEqual(gaps.length * 1000 - 60);
    // Paced by the shared slots in Redis, not by a per-replica fallback.
    expect(
      await system.total('portcullis_errors_total', {
        error_code: 'rate_limiter_unavailable',
        where: 'outbound',
      }),
    ).toBe(0);
  });

  it('handles an update delivered to every replica at once exactly once', async () => {
    const users = Array.from({ length: 10 }, (_, i) => 600 + i);
    const handledBefore = await system.total('portcullis_updates_handled_total');
    const duplicatesBefore = await system.total('portcullis_updates_duplicate_total');
    let accepted = 0;
    await Promise.all(
      users.map(async (user) => {
        const update = updates.command('help', undefined, { userId: user });
        // All replicas at once; a replica that finds it busy elsewhere answers 503, and
        // Telegram re-sends until it gets a 2xx.
        await Promise.all(
          system.replicas.map(async (replica) => {
            for (;;) {
              const status = await system.send(update, replica);
              if (status === 200) break;
              expect(status).toBe(503);
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
            accepted++;
          }),
        );
      }),
    );
    for (const user of users) expect(count(system.api, user, HELP), `user ${user}`).toBe(1);
    expect(accepted).toBe(users.length * REPLICAS);
    expect((await system.total('portcullis_updates_handled_total')) - handledBefore).toBe(
      users.length,
    );
    expect((await system.total('portcullis_updates_duplicate_total')) - duplicatesBefore).toBe(
      users.length * (REPLICAS - 1),
    );
  });
});
