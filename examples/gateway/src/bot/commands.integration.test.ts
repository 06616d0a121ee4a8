import { CHANNELS, subscribe } from '@portcullis/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, type Harness, startHarness } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const USER = 1001;

describe('/start registration', () => {
  it('asks for the contact with a request_contact button, registers the shared phone, then welcomes back', async () => {
    await h.send(h.updates.command('start', 'ref_42', { userId: USER }));
    const ask = h.last(USER);
    expect(ask.text).toContain('share your phone number');
    expect(ask.replyMarkup).toMatchObject({
      keyboard: [[{ request_contact: true }]],
    });

    await h.send(h.contact(USER, '4915123456789'));
    expect(h.last(USER).text).toContain('<b>Ada Lovelace</b>, you are registered');
    expect(h.last(USER).replyMarkup).toEqual({ remove_keyboard: true });
    const user = await h.backends.findUser(USER);
    expect(user).toMatchObject({ telegramId: USER, phone: '+4915123456789' });

    await h.send(h.updates.command('start', undefined, { userId: USER }));
    expect(h.last(USER).text).toBe(
      'Welcome back, <b>Ada Lovelace</b>! Send /help to see what I can do.',
    );
  });

  it("refuses someone else's contact and an invalid phone number", async () => {
    await h.send(h.contact(USER, '+4915123456789', 4242));
    expect(h.last(USER).text).toContain('your own');
    await h.send(h.contact(USER, '12'));
    expect(h.last(USER).text).toContain('does not look valid');
    expect(await h.backends.findUser(USER)).toBeUndefined();
  });
});

describe('/help, /cancel and unknown input', () => {
  it('lists the commands, says there is nothing to cancel, and points unknown commands to /help', async () => {
    await h.send(h.updates.command('help', undefined, { userId: USER }));
    expect(h.last(USER).text).toContain('/myrequests');
    await h.send(h.updates.command('cancel', undefined, { userId: USER }));
    expect(h.last(USER).text).toContain('nothing to cancel');
    await h.send(h.updates.command('frobnicate', undefined, { userId: USER }));
    expect(h.last(USER).text).toContain('do not know that command');
  });

  it('/cancel ends a conversation from any step', async () => {
    await h.send(h.updates.command('request', undefined, { userId: USER }));
    await h.press(USER, h.button(h.last(USER), 'req.cat:it'), h.last(USER));
    await h.send(h.updates.command('cancel', undefined, { userId: USER }));
    expect(h.last(USER).text).toContain('Cancelled');
    await h.send(h.updates.text('The printer on floor two is jammed', { userId: USER }));
    expect(h.last(USER).text).toContain('<b>What I can do</b>');
  });
});

describe('/request conversation', () => {
  it('walks category → description → location → urgency → confirm and creates one request', async () => {
    const events: unknown[] = [];
    const unsubscribe = subscribe(CHANNELS.business, (e) => void events.push(e));
    try {
      await h.send(h.updates.command('request', undefined, { userId: USER }));
      const keyboard = h.last(USER);
      expect(keyboard.text).toContain('What kind of problem');
      const pick = await h.press(USER, h.button(keyboard, 'req.cat:plumbing'), keyboard);
      expect(h.api.answered(pick.callback_query!.id)).toBe(true);
      expect(keyboard.text).toContain('Describe the problem');

      await h.send(h.updates.text('too short', { userId: USER }));
      expect(h.last(USER).text).toContain('10 to 1000 characters');
      await h.send(h.updates.text('The tap <b>leaks</b> & floods the kitchen', { userId: USER }));
      expect(h.last(USER).text).toContain('Where is it?');

      await h.send(h.updates.text('x', { userId: USER }));
      expect(h.last(USER).text).toContain('2 to 200 characters');
      await h.send(h.updates.text('Building A, room 12', { userId: USER }));
      const urgency = h.last(USER);
      expect(urgency.text).toContain('How urgent');

      await h.send(h.updates.text('high', { userId: USER }));
      expect(h.last(USER).text).toContain('buttons above');

      await h.press(USER, h.button(urgency, 'req.urg:high'), urgency);
      expect(urgency.text).toContain(
        '<b>Description:</b> The tap &lt;b&gt;leaks&lt;/b&gt; &amp; floods',
      );
      expect(urgency.text).toContain('<b>Urgency:</b> High');

      const confirm = h.button(urgency, 'req.confirm');
      await h.press(USER, confirm, urgency);
      expect(urgency.text).toMatch(/Request <code>[^<]+<\/code> created/);
      // A second tap on the same (now stale) button creates nothing.
      await h.press(USER, confirm, urgency);
      const page = await h.backends.listRequests({ telegramId: USER, limit: 5, offset: 0 });
      expect(page.total).toBe(1);
      expect(page.items[0]).toMatchObject({
        category: 'plumbing',
        description: 'The tap <b>leaks</b> & floods the kitchen',
        location: 'Building A, room 12',
        urgency: 'high',
        status: 'pending',
      });
      expect(urgency.text).toContain(page.items[0]!.id);
      expect(events).toContainEqual({ name: 'request_created', kind: 'plumbing' });
    } finally {
      unsubscribe();
    }
  });

  it('edit goes back to the category and cancel ends the conversation', async () => {
    await h.send(h.updates.command('request', undefined, { userId: USER }));
    const message = h.last(USER);
    await h.press(USER, h.button(message, 'req.cat:it'), message);
    await h.send(h.updates.text('The laptop does not boot anymore', { userId: USER }));
    await h.send(h.updates.text('Desk 7', { userId: USER }));
    const summary = h.last(USER);
    await h.press(USER, h.button(summary, 'req.urg:low'), summary);
    await h.press(USER, h.button(summary, 'req.edit'), summary);
    expect(summary.text).toContain('What kind of problem');
    await h.press(USER, h.button(summary, 'req.cat:cleaning'), summary);
    expect(summary.text).toContain('Cleaning');
    await h.send(h.updates.command('cancel', undefined, { userId: USER }));
    expect(h.last(USER).text).toContain('Cancelled');
    const page = await h.backends.listRequests({ telegramId: USER, limit: 5, offset: 0 });
    expect(page.total).toBe(0);
  });

  it('a stale or forged button is answered as expired', async () => {
    const update = await h.press(USER, 'req.urg:critical', { messageId: 1 } as never);
    expect(h.api.callsOf('answerCallbackQuery').at(-1)?.params).toMatchObject({
      callback_query_id: update.callback_query!.id,
      text: 'This button has expired.',
    });
  });
});

async function createRequests(telegramId: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await h.backends.createRequest(
      telegramId,
      {
        category: 'cleaning',
        description: `Spill number ${i + 1} in the hall`,
        location: `Hall ${i + 1}`,
        urgency: 'normal',
      },
      `seed-key-${telegramId}-${i}`,
    );
    ids.push(created.id);
  }
  return ids;
}

describe('/myrequests', () => {
  it('says there are none, then pages 5 at a time with prev/next buttons that edit the message', async () => {
    await h.send(h.updates.command('myrequests', undefined, { userId: USER }));
    expect(h.last(USER).text).toContain('no requests yet');

    await createRequests(USER, 7);
    await h.send(h.updates.command('myrequests', undefined, { userId: USER }));
    const list = h.last(USER);
    expect(list.text).toContain('(1–5 of 7)');
    expect(list.text).toContain('Spill number 7');
    expect(() => h.button(list, 'my.page:0')).toThrow();

    await h.press(USER, h.button(list, 'my.page:5'), list);
    expect(list.text).toContain('(6–7 of 7)');
    expect(list.text).toContain('Spill number 1');
    expect(() => h.button(list, 'my.page:10')).toThrow();

    await h.press(USER, h.button(list, 'my.page:0'), list);
    expect(list.text).toContain('(1–5 of 7)');
    expect(h.chat(USER)).toHaveLength(2);
  });
});

describe('/shifts', () => {
  it('lists the next 7 days from shifts-service and publishes shift_viewed', async () => {
    const events: unknown[] = [];
    const unsubscribe = subscribe(CHANNELS.business, (e) => void events.push(e));
    try {
      await h.send(h.updates.command('shifts', undefined, { userId: USER }));
    } finally {
      unsubscribe();
    }
    const text = h.last(USER).text!;
    expect(text).toContain('Your shifts (next 7 days)');
    expect(text.split('\n').filter((line) => line.startsWith('• '))).toHaveLength(3);
    expect(text).toContain('Technician @ Building A, floor 2');
    expect(events).toContainEqual({ name: 'shift_viewed' });
  });
});

describe('/admin', () => {
  it('is refused to a non-admin, and so are decision buttons', async () => {
    const [id] = await createRequests(USER, 1);
    await h.send(h.updates.command('admin', undefined, { userId: USER }));
    expect(h.last(USER).text).toBe('⛔ This command is for administrators only.');
    const update = await h.press(USER, `adm.ok:${id}`, { messageId: 1 } as never);
    expect(h.api.callsOf('answerCallbackQuery').at(-1)?.params).toMatchObject({
      callback_query_id: update.callback_query!.id,
      text: 'Administrators only.',
    });
    const page = await h.backends.listRequests({ status: 'pending', limit: 5, offset: 0 });
    expect(page.total).toBe(1);
  });

  it('shows pending requests to an admin; approve and reject decide, audit and redraw the list', async () => {
    const events: unknown[] = [];
    const unsubscribe = subscribe(CHANNELS.business, (e) => void events.push(e));
    try {
      const [first, second] = await createRequests(USER, 2);
      await h.send(h.updates.command('admin', undefined, { userId: ADMIN_ID }));
      const list = h.last(ADMIN_ID);
      expect(list.text).toContain('<b>Pending requests</b> (2 of 2)');

      await h.press(ADMIN_ID, h.button(list, `adm.ok:${first}`), list);
      expect(list.text).toContain(`✅ Approved <code>${first}</code>.`);
      expect(list.text).toContain('(1 of 1)');
      await h.press(ADMIN_ID, h.button(list, `adm.no:${second}`), list);
      expect(list.text).toContain(`❌ Rejected <code>${second}</code>.`);
      expect(list.text).toContain('No pending requests');

      const mine = await h.backends.listRequests({ telegramId: USER, limit: 5, offset: 0 });
      expect(Object.fromEntries(mine.items.map((r) => [r.id, r.status]))).toEqual({
        [first!]: 'approved',
        [second!]: 'rejected',
      });
      const audit = await h.backends.clients.admin.get('/v1/audit', { query: { limit: 5 } });
      expect(audit.data).toMatchObject({
        items: [
          { action: 'reject', targetId: second, actorTelegramId: ADMIN_ID },
          { action: 'approve', targetId: first, actorTelegramId: ADMIN_ID },
        ],
      });
      expect(events).toEqual(
        expect.arrayContaining([
          { name: 'admin_action', kind: 'approve' },
          { name: 'admin_action', kind: 'reject' },
        ]),
      );
    } finally {
      unsubscribe();
    }
  });

  it('a second decision on the same request says it was already decided', async () => {
    const [id] = await createRequests(USER, 1);
    await h.send(h.updates.command('admin', undefined, { userId: ADMIN_ID }));
    const list = h.last(ADMIN_ID);
    const approve = h.button(list, `adm.ok:${id}`);
    await h.press(ADMIN_ID, approve, list);
    await h.press(ADMIN_ID, approve, list);
    expect(list.text).toContain('already decided');
  });
});

describe('threat labels', () => {
  it('labels suspicious text for metrics without blocking the conversation', async () => {
    const seen: unknown[] = [];
    const unsubscribe = subscribe(CHANNELS.threatDetected, (e) => void seen.push(e));
    try {
      await h.send(h.updates.text("x' OR '1'='1", { userId: USER }));
    } finally {
      unsubscribe();
    }
    expect(seen).toEqual([{ kinds: ['sql_injection'], source: 'message_text' }]);
    expect(h.last(USER).text).toContain('<b>What I can do</b>');
  });
});
