import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes';
import {
  invalidOption,
  isPortcullisError,
  PortcullisError,
  truncateForMessage,
} from './portcullis-error';

describe('PortcullisError', () => {
  it('carries the code, its HTTP status and whether it is retryable', () => {
    const error = new PortcullisError('circuit_open', 'users is unavailable');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PortcullisError');
    expect(error.code).toBe('circuit_open');
    expect(error.httpStatus).toBe(503);
    expect(error.retryable).toBe(true);
  });

  it('keeps the ES2022 cause', () => {
    const cause = new Error('socket hang up');
    expect(new PortcullisError('network', 'failed', { cause }).cause).toBe(cause);
  });

  it('names subclasses after themselves', () => {
    class CircuitOpenError extends PortcullisError {}
    expect(new CircuitOpenError('circuit_open', 'x').name).toBe('CircuitOpenError');
  });

  it('has an HTTP status between 200 and 599 for every code', () => {
    for (const [code, meta] of Object.entries(ERROR_CODES)) {
      expect(meta.httpStatus, code).toBeGreaterThanOrEqual(200);
      expect(meta.httpStatus, code).toBeLessThan(600);
      expect(code).toMatch(/^[a-z][a-z_]*$/);
    }
  });
});

describe('isPortcullisError', () => {
  it('recognises errors from another copy of the package by brand and code', () => {
    const foreign = new Error('from a duplicate install');
    Object.defineProperty(foreign, Symbol.for('portcullis.error'), { value: true });
    Object.assign(foreign, { code: 'timeout' });
    expect(isPortcullisError(foreign)).toBe(true);
    expect(isPortcullisError(foreign, 'timeout')).toBe(true);
    expect(isPortcullisError(foreign, 'network')).toBe(false);
  });

  it('rejects look-alikes without the brand, unknown codes and non-objects', () => {
    expect(isPortcullisError(Object.assign(new Error('x'), { code: 'timeout' }))).toBe(false);
    const unknownCode = new PortcullisError('timeout', 'x');
    Object.assign(unknownCode, { code: 'ECONNRESET' });
    expect(isPortcullisError(unknownCode)).toBe(false);
    expect(isPortcullisError(null)).toBe(false);
    expect(isPortcullisError('timeout')).toBe(false);
  });
});

describe('messages', () => {
  it('follow "expected … got …" for invalid options', () => {
    expect(invalidOption('limit', 'a positive integer', -1).message).toMatchInlineSnapshot(
      `"Expected \`limit\` to be a positive integer, got -1"`,
    );
  });

  it('truncate what was received', () => {
    expect(truncateForMessage('x'.repeat(200), 10)).toBe('"xxxxxxxx…');
    expect(truncateForMessage(10n)).toBe('10n');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(truncateForMessage(circular)).toBe('[object Object]');
  });
});
