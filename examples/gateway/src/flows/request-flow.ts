import { defineFlow, freeTextSchema } from '@portcullis/core';
import { z } from 'zod';

/** Categories a service request can have; the inline keyboard offers these. */
export const REQUEST_CATEGORIES = [
  'plumbing',
  'electrical',
  'cleaning',
  'it',
  'security',
  'other',
] as const;
/** Urgency levels of a service request. */
export const URGENCY_LEVELS = ['low', 'normal', 'high', 'critical'] as const;

const category = z.enum(REQUEST_CATEGORIES);
const urgency = z.enum(URGENCY_LEVELS);
// Control characters are stripped and lengths checked after cleaning.
const description = freeTextSchema({ minLength: 10, maxLength: 1000 });
const location = freeTextSchema({ minLength: 2, maxLength: 200, multiline: false });

/** Everything `/request` collects; request-service accepts exactly this plus the user's id. */
export const requestDraftSchema = z.object({ category, description, location, urgency });
/** The data collected once a request reaches `confirm`. */
export type RequestDraft = z.output<typeof requestDraftSchema>;

/**
 * The `/request` conversation: category (inline keyboard) → description →
 * location → urgency (inline keyboard) → confirm. Each state's data is
 * checked by its schema, so a state can rely on what earlier steps collected.
 * `cancel` is accepted everywhere (the `/cancel` command).
 */
export const requestFlow = defineFlow({
  id: 'service_request',
  initial: 'category',
  idleTimeoutMs: 15 * 60_000,
  states: {
    category: {
      on: {
        choose: {
          target: 'description',
          assign: ({ payload }) => ({ category: category.parse(payload) }),
        },
        cancel: 'cancelled',
      },
    },
    description: {
      data: z.object({ category }),
      on: {
        text: {
          target: 'location',
          assign: ({ data, payload }) => ({ ...data, description: payload }),
        },
        cancel: 'cancelled',
      },
    },
    location: {
      data: z.object({ category, description }),
      on: {
        text: {
          target: 'urgency',
          assign: ({ data, payload }) => ({ ...data, location: payload }),
        },
        cancel: 'cancelled',
      },
    },
    urgency: {
      data: z.object({ category, description, location }),
      on: {
        choose: {
          target: 'confirm',
          assign: ({ data, payload }) => ({ ...data, urgency: urgency.parse(payload) }),
        },
        cancel: 'cancelled',
      },
    },
    confirm: {
      data: requestDraftSchema,
      on: { confirm: 'submitted', edit: 'category', cancel: 'cancelled' },
    },
    submitted: { final: true },
    cancelled: { final: true },
  },
});
