import type { Message, UserFromGetMe } from '@grammyjs/types';
import { expectTypeOf, it } from 'vitest';
import type { ApiClient } from './api-client';

declare const api: ApiClient;

it('types each method’s parameters and result from @grammyjs/types', () => {
  expectTypeOf(api.call('getMe')).resolves.toEqualTypeOf<UserFromGetMe>();
  expectTypeOf(
    api.call('sendMessage', { chat_id: 1, text: 'hi' }),
  ).resolves.toEqualTypeOf<Message.TextMessage>();
  // @ts-expect-error text is required
  void api.call('sendMessage', { chat_id: 1 });
  // @ts-expect-error no such method
  void api.call('sendTelepathy', {});
});
