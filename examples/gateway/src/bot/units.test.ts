import { describe, expect, it } from 'vitest';
import { messages } from '../messages';
import { contactPhone } from './registration';
import { idempotencyKeyOf } from './request-conversation';

describe('contact phones', () => {
  it('accepts Telegram contacts with or without +, and refuses junk', () => {
    expect(contactPhone('4915123456789')).toBe('+4915123456789');
    expect(contactPhone('+1 (202) 555-0143')).toBe('+12025550143');
    expect(contactPhone('12')).toBeUndefined();
    expect(contactPhone('call me')).toBeUndefined();
  });
});

describe('idempotency keys of confirmed requests', () => {
  it('are stable for one conversation version and valid for request-service', () => {
    const key = idempotencyKeyOf('fsm:c1001:u1001', 1_700_000_000_000, 5);
    expect(key).toBe(idempotencyKeyOf('fsm:c1001:u1001', 1_700_000_000_000, 5));
    expect(key).toMatch(/^[A-Za-z0-9_-]{8,128}$/);
    expect(idempotencyKeyOf('fsm:c1001:u1001', 1_700_000_000_000, 6)).not.toBe(key);
    expect(idempotencyKeyOf('fsm:c1001:u1002', 1_700_000_000_000, 5)).not.toBe(key);
  });
});

describe('messages', () => {
  it('escape user and backend text for HTML', () => {
    expect(messages.welcome('<Ada & Co>')).toContain('<b>&lt;Ada &amp; Co&gt;</b>');
    expect(messages.serviceUnavailable('shifts')).toBe(
      'The shift service is unavailable right now. Please try again in a minute.',
    );
    expect(messages.slowDown(1)).toContain('in 1 s');
    expect(messages.slowDown(12_400)).toContain('in 13 s');
  });
});
