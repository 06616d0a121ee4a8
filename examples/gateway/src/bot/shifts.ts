import { CHANNELS, publish } from '@portcullis/core';
import { command, type Route } from '@portcullis/telegram-adapter';
import type { Backends } from '../backends';
import { messages } from '../messages';
import { callOf, HTML, userIdOf } from './shared';

/** `/shifts`: the user's shifts in the next 7 days from shifts-service. */
export function shiftsRoutes(backends: Backends): Route[] {
  const shifts = command('shifts', async function shifts(ctx) {
    const items = await backends.listShifts(userIdOf(ctx), callOf(ctx));
    publish(CHANNELS.business, { name: 'shift_viewed' });
    await ctx.reply(items.length === 0 ? messages.noShifts : messages.shifts(items), HTML);
  });
  return [shifts];
}
