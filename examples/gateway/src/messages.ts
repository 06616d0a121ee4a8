import { escapeHtml } from '@portcullis/core';
import type { BackendRequest, BackendShift } from './backends';

/**
 * Every text the reference bot sends, in HTML parse mode. Anything that came
 * from a user or a backend goes through `escapeHtml` here, so handlers never
 * build markup themselves.
 */

/** Human names of the backends, for the "unavailable" reply. */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  users: 'user',
  requests: 'request',
  shifts: 'shift',
  admin: 'admin',
};

/** Labels of the request categories (keyboard and summaries). */
export const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  plumbing: '🚰 Plumbing',
  electrical: '💡 Electrical',
  cleaning: '🧹 Cleaning',
  it: '💻 IT',
  security: '🔒 Security',
  other: '📦 Other',
};

/** Labels of the urgency levels. */
export const URGENCY_LABELS: Readonly<Record<string, string>> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  critical: 'Critical',
};

const STATUS_LABELS: Readonly<Record<string, string>> = {
  pending: '⏳ pending',
  approved: '✅ approved',
  rejected: '❌ rejected',
};

const label = (labels: Readonly<Record<string, string>>, value: string) =>
  escapeHtml(labels[value] ?? value);

/** The bot's texts. */
export const messages = {
  welcome: (name: string) =>
    `Welcome, <b>${escapeHtml(name)}</b>! To register, share your phone number with the button below.`,
  welcomeBack: (name: string) =>
    `Welcome back, <b>${escapeHtml(name)}</b>! Send /help to see what I can do.`,
  shareContactButton: '📱 Share my phone number',
  registered: (name: string) =>
    `Thank you, <b>${escapeHtml(name)}</b>, you are registered. Send /request to report a problem.`,
  contactNotYours: 'Please share <b>your own</b> contact with the button, not someone else’s.',
  phoneInvalid: 'That phone number does not look valid. Please share your contact with the button.',
  help: [
    '<b>What I can do</b>',
    '/start — register (share your phone number)',
    '/request — report a problem, step by step',
    '/myrequests — your requests',
    '/shifts — your shifts in the next 7 days',
    '/admin — pending requests (admins only)',
    '/cancel — stop what you are doing',
    '/help — this list',
  ].join('\n'),
  unknownCommand: 'I do not know that command. Send /help for the list.',
  cancelled: 'Cancelled. Send /help to see what I can do.',
  nothingToCancel: 'There is nothing to cancel. Send /help to see what I can do.',
  slowDown: (retryAfterMs: number) =>
    `You are sending too fast. Please slow down and try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`,
  serviceUnavailable: (service: string) =>
    `The ${escapeHtml(SERVICE_NAMES[service] ?? service)} service is unavailable right now. Please try again in a minute.`,
  somethingWentWrong: 'Sorry, something went wrong on our side. Please try again later.',
  buttonExpired: 'This button has expired.',

  // /request
  askCategory: '<b>New request</b> (1/5)\nWhat kind of problem is it?',
  askDescription: (category: string) =>
    `<b>New request</b> (2/5) · ${label(CATEGORY_LABELS, category)}\nDescribe the problem (at least 10 characters).`,
  askLocation: '<b>New request</b> (3/5)\nWhere is it? (building, floor, room)',
  askUrgency: '<b>New request</b> (4/5)\nHow urgent is it?',
  invalidDescription:
    'The description must be 10 to 1000 characters. Please describe the problem again.',
  invalidLocation:
    'The location must be 2 to 200 characters on one line. Please send the location again.',
  useButtons: 'Please choose with the buttons above, or send /cancel.',
  confirmRequest: (draft: {
    category: string;
    description: string;
    location: string;
    urgency: string;
  }) =>
    [
      '<b>New request</b> (5/5) — please check:',
      `<b>Category:</b> ${label(CATEGORY_LABELS, draft.category)}`,
      `<b>Description:</b> ${escapeHtml(draft.description)}`,
      `<b>Location:</b> ${escapeHtml(draft.location)}`,
      `<b>Urgency:</b> ${label(URGENCY_LABELS, draft.urgency)}`,
    ].join('\n'),
  requestCreated: (id: string) =>
    `✅ Request <code>${escapeHtml(id)}</code> created. Follow it with /myrequests.`,
  noConversation: 'There is no request in progress. Send /request to start one.',

  // /myrequests
  noRequests: 'You have no requests yet. Send /request to create one.',
  requestPage: (items: readonly BackendRequest[], offset: number, total: number) =>
    [
      `<b>Your requests</b> (${offset + 1}–${offset + items.length} of ${total})`,
      ...items.map(
        (r) =>
          `• <code>${escapeHtml(r.id)}</code> ${label(CATEGORY_LABELS, r.category)} · ${label(STATUS_LABELS, r.status)}\n  ${escapeHtml(r.description.slice(0, 80))}`,
      ),
    ].join('\n'),
  previous: '◀️ Previous',
  next: 'Next ▶️',

  // /shifts
  noShifts: 'You have no shifts in the next 7 days.',
  shifts: (items: readonly BackendShift[]) =>
    [
      '<b>Your shifts (next 7 days)</b>',
      ...items.map(
        (s) =>
          `• ${escapeHtml(formatWhen(s.startsAt))}–${escapeHtml(formatTime(s.endsAt))} · ${escapeHtml(s.role)} @ ${escapeHtml(s.location)}`,
      ),
    ].join('\n'),

  // /admin
  notAdmin: '⛔ This command is for administrators only.',
  noPending: 'No pending requests. 🎉',
  pending: (items: readonly BackendRequest[], total: number, note?: string) =>
    [
      ...(note ? [note, ''] : []),
      `<b>Pending requests</b> (${items.length} of ${total})`,
      ...items.map(
        (r) =>
          `• <code>${escapeHtml(r.id)}</code> ${label(CATEGORY_LABELS, r.category)} · ${label(URGENCY_LABELS, r.urgency)} · ${escapeHtml(r.location)}\n  ${escapeHtml(r.description.slice(0, 80))}`,
      ),
    ].join('\n'),
  decided: (id: string, decision: 'approve' | 'reject') =>
    `${decision === 'approve' ? '✅ Approved' : '❌ Rejected'} <code>${escapeHtml(id)}</code>.`,
  alreadyDecided: 'This request was already decided.',
} as const;

function formatWhen(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)}`;
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(11, 16);
}
