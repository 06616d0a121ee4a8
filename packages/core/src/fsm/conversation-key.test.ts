import { describe, expect, it } from 'vitest';
import { conversationKey } from './conversation-key';

describe('conversationKey', () => {
  it('defaults to one conversation per user per chat, wrapped in one hash tag', () => {
    expect(conversationKey({ chatId: -1001234567890, userId: 42 })).toBe('{c:-1001234567890:u:42}');
  });

  it('builds chat-wide and user-wide keys and separates bots', () => {
    expect(conversationKey({ chatId: 5, userId: 6 }, 'chat')).toBe('{c:5}');
    expect(conversationKey({ chatId: 5, userId: 6 }, 'user')).toBe('{u:6}');
    expect(conversationKey({ botId: 1, chatId: 5, userId: 6 })).toBe('{b:1:c:5:u:6}');
  });

  it('accepts 52-bit ids as numbers, bigints and digit strings', () => {
    expect(conversationKey({ chatId: 2 ** 52, userId: 1n })).toBe('{c:4503599627370496:u:1}');
    expect(conversationKey({ chatId: '-100', userId: '7' })).toBe('{c:-100:u:7}');
  });

  it('rejects missing ids, non-integers and text that could break the hash tag', () => {
    expect(() => conversationKey({ chatId: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[TypeError: Expected \`userId\` to be an integer id, got undefined]`,
    );
    expect(() => conversationKey({ chatId: 1.5, userId: 1 })).toThrow(TypeError);
    expect(() => conversationKey({ chatId: '1}{x', userId: 1 })).toThrow(TypeError);
    expect(() => conversationKey({ chatId: 1, userId: 1 }, 'bot' as 'chat')).toThrow(
      /one of chat\+user, chat, user/,
    );
  });
});
