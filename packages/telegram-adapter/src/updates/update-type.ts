import type { Update } from '@grammyjs/types';

/** An update type as the Bot API names it (`message`, `callback_query`…). */
export type UpdateType = Exclude<keyof Update, 'update_id'>;

/** The type of `update`: its one field besides `update_id`. */
export function updateTypeOf(update: Update): UpdateType | 'unknown' {
  for (const key in update) if (key !== 'update_id') return key as UpdateType;
  return 'unknown';
}

/** Whether `value` looks like a Bot API update: an object with an integer `update_id` and one payload. */
export function isUpdate(value: unknown): value is Update {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const id = (value as { update_id?: unknown }).update_id;
  if (!Number.isSafeInteger(id)) return false;
  const payload = Object.entries(value).find(([key]) => key !== 'update_id');
  return payload !== undefined && typeof payload[1] === 'object' && payload[1] !== null;
}
