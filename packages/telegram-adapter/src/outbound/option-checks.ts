import { invalidOption } from '@portcullis/core';

/** `value` when it is a positive integer; a `TypeError` naming `name` otherwise. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw invalidOption(name, 'a positive integer', value);
  return value;
}

/** `value` when it is a positive finite number; a `TypeError` naming `name` otherwise. */
export function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    throw invalidOption(name, 'a positive number', value);
  return value;
}
