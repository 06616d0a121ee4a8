import {
  conversationKey,
  createConversationRunner,
  createMemoryConversationStorage,
  isPortcullisError,
} from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { requestFlow } from './request-flow';

function runner() {
  return createConversationRunner({
    flow: requestFlow,
    storage: createMemoryConversationStorage(),
  });
}
const key = conversationKey({ chatId: 10, userId: 20 });

describe('the /request conversation', () => {
  it('collects category, description, location and urgency, then completes on confirm', async () => {
    const conversation = runner();
    await conversation.start(key);
    await conversation.send(key, 'choose', 'plumbing');
    await conversation.send(key, 'text', 'The sink in room 4 leaks\u0007 badly');
    await conversation.send(key, 'text', 'Building A, room 4');
    const atConfirm = await conversation.send(key, 'choose', 'high');
    expect(atConfirm.outcome === 'transitioned' && atConfirm.conversation?.data).toEqual({
      category: 'plumbing',
      description: 'The sink in room 4 leaks badly',
      location: 'Building A, room 4',
      urgency: 'high',
    });
    const done = await conversation.send(key, 'confirm');
    expect(done).toMatchObject({ outcome: 'transitioned', to: 'submitted', completed: true });
    expect(await conversation.get(key)).toBeUndefined();
  });

  it('refuses a description that is too short and stays where it was', async () => {
    const conversation = runner();
    await conversation.start(key);
    await conversation.send(key, 'choose', 'it');
    const error = await conversation.send(key, 'text', 'short').catch((e: unknown) => e);
    expect(isPortcullisError(error)).toBe(true);
    expect((await conversation.get(key))?.state).toBe('description');
  });

  it('refuses a category that is not offered', async () => {
    const conversation = runner();
    await conversation.start(key);
    await expect(conversation.send(key, 'choose', 'catering')).rejects.toThrow();
    expect((await conversation.get(key))?.state).toBe('category');
  });

  it('accepts cancel in every step', async () => {
    for (const steps of [0, 1, 2, 3, 4]) {
      const conversation = runner();
      await conversation.start(key);
      const events: Array<[string, string]> = [
        ['choose', 'other'],
        ['text', 'Something else entirely'],
        ['text', 'Lobby'],
        ['choose', 'low'],
      ];
      for (const [event, payload] of events.slice(0, steps))
        await conversation.send(key, event, payload);
      expect(await conversation.send(key, 'cancel')).toMatchObject({
        to: 'cancelled',
        completed: true,
      });
    }
  });
});
