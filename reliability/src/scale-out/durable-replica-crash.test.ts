import type { Update } from '@grammyjs/types';
import { createDurableUpdateQueue } from '@portcullis/telegram-adapter';
import { createUpdateFactory } from '@portcullis/telegram-adapter/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, count } from '../harness/chat';
import type { Replica } from '../harness/gateway';
import { waitFor } from '../harness/http';
import { scaleOut } from '../harness/scale-out';

const system = scaleOut();
const updates = createUpdateFactory({ firstUpdateId: 1 });
const HELP = 'What I can do';
const CREATED = /Request <code>[^<]+<\/code> created/;
let redis: Cluster;
// The gateway's queue with its defaults (16 shards, 15 s leases), for key names and shards only.
let queue: ReturnType<typeof createDurableUpdateQueue>;

beforeAll(async () => {
  // A backend call may outlive the crash below: well above the slow request-service.
  await system.start({ replicas: 2, durable: true, extra: { SERVICE_TIMEOUT_MS: '8000' } });
  redis = new Cluster([...system.cluster.startupNodes]);
  queue = createDurableUpdateQueue({ redis });
  // The first replica took every shard; it gives half back to the second
  // within a few lease renewals, and the split is stable from then on.
  await waitFor(
    async () => (await split()).every((n) => n === SHARDS / 2),
    25_000,
    'each replica to hold half of the shards',
  );
});

afterAll(async () => {
  redis?.disconnect();
  await system.stop();
});

const SHARDS = 16;
const shardOfUser = (user: number) => queue.shardOf(updates.text('-', { userId: user }));

/** Which replica holds each shard's lease (consumer ids end in `-<pid>-<random>`). */
async function holders(): Promise<Map<number, Replica>> {
  const held = new Map<number, Replica>();
  for (let shard = 0; shard < SHARDS; shard++) {
    const consumer = (await redis.get(queue.keysOf(shard).lease)) ?? '';
    const replica = system.replicas.find((r) => consumer.includes(`-${r.child.pid}-`));
    if (replica) held.set(shard, replica);
  }
  return held;
}

/** How many shards each replica holds, in replica order. */
async function split(): Promise<number[]> {
  const held = [...(await holders()).values()];
  return system.replicas.map((r) => held.filter((h) => h === r).length);
}

/** `count` users from 700 up whose chats match `where` (each chat is one user's private chat). */
function users(count: number, where: (user: number) => boolean): number[] {
  const found: number[] = [];
  for (let user = 700; found.length < count; user++) if (where(user)) found.push(user);
  return found;
}

const replies = (user: number) => system.api.messages(user).length;

describe('two replicas with DURABLE_INGEST on Redis Cluster behind nginx', () => {
  it('keep one chat at 1 message/s however its updates are spread: the chat’s shard holder sends every reply', async () => {
    const held = await holders();
    const user = 5000;
    const owner = system.replicas.indexOf(held.get(shardOfUser(user))!);
    const sentBefore = await system.each('portcullis_outbound_messages_total', { action: 'sent' });
    const messages = 5;
    // Both replicas take the chat's updates at once (intake), as nginx would spread them.
    await Promise.all(
      Array.from({ length: messages }, async (_, i) =>
        expect(
          await system.send(updates.text(`hello ${i}`, { userId: user }), system.replicas[i % 2]),
        ).toBe(200),
      ),
    );
    await waitFor(() => count(system.api, user, HELP) === messages, 10_000, 'every reply');

    const sent = system.api
      .callsOf('sendMessage')
      .filter((call) => Number(call.params.chat_id) === user)
      .map((call) => call.at);
    expect(sent).toHaveLength(messages);
    const gaps = sent.slice(1).map((at, i) => at - sent[i]!);
    // 1 per second per chat (the outbound scheduler's default); arrival jitter aside.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
    const sentAfter = await system.each('portcullis_outbound_messages_total', { action: 'sent' });
    const sentBy = sentAfter.map((after, i) => after - sentBefore[i]!);
    expect(sentBy[owner]).toBe(messages);
    expect(sentBy[1 - owner]).toBe(0);
  });

  it('when one is SIGKILLed mid-conversation, the other claims what it acknowledged but had not handled: nothing lost, nothing twice', async () => {
    const held = await holders();
    const [victim, survivor] = system.replicas as [Replica, Replica];
    const [user] = users(1, (u) => held.get(shardOfUser(u)) === victim) as [number];
    // Two more chats in the same shard: they queue behind the conversation's updates.
    const othersOnVictim = users(2, (u) => u !== user && shardOfUser(u) === shardOfUser(user)) as [
      number,
      number,
    ];
    const [onSurvivor] = users(1, (u) => held.get(shardOfUser(u)) === survivor) as [number];

    // Steps 1–4 of /request, through nginx; the victim holds the user's chat.
    const expectReply = async (update: Update, replyNumber: number) => {
      expect(await system.send(update)).toBe(200);
      await waitFor(() => replies(user) >= replyNumber, 5000, `reply ${replyNumber}`);
    };
    await expectReply(updates.command('request', undefined, { userId: user }), 1);
    const keyboard = system.api.messages(user).at(-1)!;
    await expectReply(
      updates.callback(button(keyboard, 'req.cat:electrical'), {
        userId: user,
        messageId: keyboard.messageId,
      }),
      1,
    );
    await waitFor(() => count(system.api, user, '(2/5)') === 1, 5000, 'step 2');
    await expectReply(updates.text('No power in the east wing', { userId: user }), 2);
    await expectReply(updates.text('East wing', { userId: user }), 3);
    const summary = system.api.messages(user).at(-1)!;
    await system.send(
      updates.callback(button(summary, 'req.urg:critical'), {
        userId: user,
        messageId: summary.messageId,
      }),
    );
    await waitFor(
      () => /Confirm/.test(JSON.stringify(system.api.messages(user).at(-1)?.replyMarkup)),
      5000,
      'the confirm step',
    );

    // The confirm is in the victim's hands (request-service is slow) when it dies.
    system.services.slow('requests', 4000);
    const callsBefore = system.services.received.requests;
    const confirm = updates.callback(button(summary, 'req.confirm'), {
      userId: user,
      messageId: summary.messageId,
    });
    expect(await system.send(confirm, victim)).toBe(200);
    await waitFor(
      () => system.services.received.requests > callsBefore,
      5000,
      'the victim calling request-service',
    );
    // Acknowledged by the victim (200 = in the queue), not handled yet: they wait behind the confirm.
    const acknowledged = othersOnVictim.map((u) =>
      updates.command('help', undefined, { userId: u }),
    );
    for (const update of acknowledged) expect(await system.send(update, victim)).toBe(200);
    const { stream } = queue.keysOf(shardOfUser(user));
    const [pending, , , consumers] = (await redis.call('XPENDING', stream, 'gateway')) as [
      number,
      string,
      string,
      Array<[string, string]>,
    ];
    expect(pending).toBeGreaterThanOrEqual(1);
    expect(consumers.map(([consumer]) => consumer)).toEqual([
      expect.stringContaining(`-${victim.child.pid}-`),
    ]);

    await victim.kill();
    system.services.slow('requests', 0);
    expect(othersOnVictim.map((u) => count(system.api, u, HELP))).toEqual([0, 0]);

    // nginx passes new updates to the survivor; chats it holds go on at once.
    const late = updates.command('help', undefined, { userId: othersOnVictim[0] });
    expect(await system.send(late)).toBe(200);
    expect(await system.send(updates.command('help', undefined, { userId: onSurvivor }))).toBe(200);
    await waitFor(() => count(system.api, onSurvivor, HELP) === 1, 3000, 'the survivor’s own chat');

    // After the dead replica's leases expire the survivor claims its pending entries.
    await waitFor(
      () =>
        count(system.api, user, 'created') === 1 &&
        othersOnVictim.every((u) => count(system.api, u, HELP) >= 1) &&
        count(system.api, othersOnVictim[0], HELP) === 2,
      30_000,
      'the dead replica’s updates on the survivor',
    );
    expect(system.api.messages(user).at(-1)?.text).toMatch(CREATED);
    expect(count(system.api, othersOnVictim[1], HELP)).toBe(1);

    const page = await system.requestsOf(user);
    expect(page.total).toBe(1);
    expect(page.items).toMatchObject([{ category: 'electrical', urgency: 'critical' }]);
    // Nothing left behind: every stream drained, nothing pending, no dead letter.
    for (let shard = 0; shard < SHARDS; shard++) {
      const { stream: shardStream } = queue.keysOf(shard);
      expect(await redis.xlen(shardStream), `shard ${shard}`).toBe(0);
      expect(((await redis.call('XPENDING', shardStream, 'gateway')) as [number])[0]).toBe(0);
      expect(await queue.deadLetters(shard), `shard ${shard}`).toEqual([]);
    }
    expect(await split()).toEqual([0, SHARDS]);
    // The survivor's own count: each of the dead replica's updates handled once, none twice.
    expect(await system.total('portcullis_requests_created_total')).toBe(1);
    expect(await system.total('portcullis_updates_duplicate_total')).toBe(0);
    expect(await system.total('portcullis_updates_failed_total')).toBe(0);
  });
});
