/**
 * The README's middleware, FSM and validator examples, verbatim, so they
 * compile and behave as documented.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  compose,
  conversationKey,
  createConversationRunner,
  createMemoryConversationStorage,
  decodeCallbackData,
  defineFlow,
  detectThreats,
  encodeCallbackData,
  errorBoundary,
  escapeMarkdownV2,
  filter,
  freeTextSchema,
  phoneE164Schema,
  route,
} from '../index';

describe('README examples', () => {
  it('middleware', async () => {
    const replies: string[] = [];
    // --- README: middleware ---
    interface Ctx {
      text?: string;
      reply(text: string): Promise<void>;
    }

    const handle = compose<Ctx>(
      async function logTiming(_ctx, next) {
        const started = performance.now();
        await next();
        console.debug(`handled in ${performance.now() - started} ms`);
      },
      // Errors of the middleware inside the boundary become a reply.
      errorBoundary<Ctx>(
        async (_error, ctx) => ctx.reply('Something went wrong, please try again'),
        filter(
          (ctx): ctx is Ctx & { text: string } => ctx.text !== undefined,
          route((ctx) => (ctx.text.startsWith('/') ? ctx.text.slice(1) : undefined), {
            start: (ctx) => ctx.reply('Welcome!'),
            fail: () => {
              throw new Error('backend down');
            },
          }),
        ),
      ),
    );
    await handle({ text: '/start', reply: async (text) => void replies.push(text) });
    // --- end ---
    await handle({ text: '/fail', reply: async (text) => void replies.push(text) });
    expect(replies).toEqual(['Welcome!', 'Something went wrong, please try again']);
  });

  it('conversation FSM', async () => {
    // --- README: fsm ---
    const signup = defineFlow({
      id: 'signup',
      initial: 'askName',
      idleTimeoutMs: 15 * 60_000,
      states: {
        askName: {
          on: {
            text: { target: 'askPhone', assign: ({ payload }) => ({ name: String(payload) }) },
          },
        },
        askPhone: {
          data: z.object({ name: z.string().min(1).max(64) }),
          on: {
            text: {
              target: 'done',
              guard: ({ payload }) => phoneE164Schema.safeParse(payload).success,
              assign: ({ data, payload }) => ({ ...data, phone: phoneE164Schema.parse(payload) }),
            },
            cancel: 'done',
          },
          onEnter: ({ data }) => console.debug(`asking ${data.name} for a phone number`),
        },
        done: { final: true },
      },
    });

    const runner = createConversationRunner({
      flow: signup,
      storage: createMemoryConversationStorage(), // or createRedisConversationStorage({ redis })
    });
    const key = conversationKey({ chatId: -100123, userId: 42 }); // '{c:-100123:u:42}'
    await runner.start(key);
    await runner.send(key, 'text', 'Ada'); // → askPhone, data { name: 'Ada' }
    const result = await runner.send(key, 'text', 'not a phone'); // { outcome: 'guard_rejected' }
    // --- end ---
    expect(result).toEqual({ outcome: 'guard_rejected', state: 'askPhone' });
    expect(await runner.send(key, 'text', '+49 151 2345678')).toMatchObject({ completed: true });
  });

  it('validators and escaping', () => {
    // --- README: validators ---
    const comment = freeTextSchema({ maxLength: 500 }).safeParse('  Hello\u0000 there  ');
    // comment.data === 'Hello there'
    const reply = `You wrote: *${escapeMarkdownV2(comment.data ?? '')}*`;
    const data = encodeCallbackData('approve', [1234, 'page:2']); // 'approve:1234:page%3A2'
    const { action, args } = decodeCallbackData(data); // 'approve', ['1234', 'page:2']
    const kinds = detectThreats("1' OR '1'='1", 'message_text'); // ['sql_injection'], for logs and metrics
    // --- end ---
    expect(comment.data).toBe('Hello there');
    expect(reply).toBe('You wrote: *Hello there*');
    expect(data).toBe('approve:1234:page%3A2');
    expect([action, args]).toEqual(['approve', ['1234', 'page:2']]);
    expect(kinds).toEqual(['sql_injection']);
  });
});
