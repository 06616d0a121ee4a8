import { resolve, sep } from 'node:path';
import { invalidOption, PortcullisError } from '../errors/portcullis-error';
import { VALIDATION_PATTERNS as P } from './patterns';

const MAX_SEGMENT_BYTES = 255;

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function unsafe(what: string): PortcullisError {
  return new PortcullisError('unsafe_path', `Refused an unsafe path: ${what}`);
}

/**
 * Checks one user-supplied path segment (an id or name that goes into a URL
 * path or a file path) and returns it percent-encoded for URLs. Refuses
 * `''`, `.`, `..`, slashes, backslashes, control characters and more than
 * 255 bytes with `unsafe_path`.
 *
 * @example
 * ```ts
 * `/users/${safePathSegment(userId)}/requests`;
 * ```
 */
export function safePathSegment(segment: string | number): string {
  const text = typeof segment === 'number' ? String(segment) : segment;
  if (typeof text !== 'string') throw unsafe(`expected a string, got ${typeof segment}`);
  if (text === '' || text === '.' || text === '..') throw unsafe('empty or dot segment');
  if (text.includes('/') || text.includes('\\')) throw unsafe('segment contains a slash');
  if (hasControlCharacter(text)) throw unsafe('segment contains a control character');
  if (Buffer.byteLength(text, 'utf8') > MAX_SEGMENT_BYTES) throw unsafe('segment is too long');
  return encodeURIComponent(text);
}

/** Options of {@link safeFilename}. */
export interface SafeFilenameOptions {
  /** Replaces each forbidden character. @default '_' */
  readonly replacement?: string;
  /** Longest name in UTF-8 bytes; the extension is kept when shortening. @default 255 */
  readonly maxBytes?: number;
}

function truncateBytes(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

/**
 * Turns a user-supplied file name (an upload's name) into one that is safe
 * on Linux, macOS and Windows: forbidden and control characters replaced,
 * leading dots and trailing dots/spaces removed, Windows device names
 * prefixed, length bounded. Throws `unsafe_path` when nothing usable is left.
 */
export function safeFilename(name: string, options: SafeFilenameOptions = {}): string {
  const replacement = options.replacement ?? '_';
  const maxBytes = options.maxBytes ?? MAX_SEGMENT_BYTES;
  if (
    typeof replacement !== 'string' ||
    replacement.replace(P.filenameForbidden, '') !== replacement
  ) {
    throw invalidOption('replacement', 'a string of allowed characters', replacement);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 8 || maxBytes > 1024) {
    throw invalidOption('maxBytes', 'an integer from 8 to 1024', maxBytes);
  }
  if (typeof name !== 'string') throw unsafe(`expected a string, got ${typeof name}`);
  let cleaned = name.normalize('NFC').replace(P.filenameForbidden, replacement);
  // Strip leading dots (hidden files, `..`) and trailing dots/spaces (Windows drops them).
  let start = 0;
  while (start < cleaned.length && (cleaned[start] === '.' || cleaned[start] === ' ')) start++;
  let end = cleaned.length;
  while (end > start && (cleaned[end - 1] === '.' || cleaned[end - 1] === ' ')) end--;
  cleaned = cleaned.slice(start, end);
  if (P.windowsReservedName.test(cleaned)) cleaned = `_${cleaned}`;
  if (Buffer.byteLength(cleaned, 'utf8') > maxBytes) {
    const dot = cleaned.lastIndexOf('.');
    const extension = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : '';
    const base = cleaned.slice(0, cleaned.length - extension.length);
    cleaned = truncateBytes(base, maxBytes - Buffer.byteLength(extension, 'utf8')) + extension;
  }
  if (cleaned === '' || cleaned.replaceAll(replacement, '') === '') {
    throw unsafe('nothing usable is left of the file name');
  }
  return cleaned;
}

/**
 * Joins user-supplied segments onto `root` and refuses (with `unsafe_path`)
 * any result outside `root`, such as `../../etc/passwd`.
 */
export function resolveInside(root: string, ...segments: string[]): string {
  const base = resolve(root);
  for (const segment of segments) {
    if (typeof segment !== 'string' || hasControlCharacter(segment)) {
      throw unsafe('invalid segment');
    }
  }
  const target = resolve(base, ...segments);
  if (target !== base && !target.startsWith(base.endsWith(sep) ? base : base + sep)) {
    throw unsafe('the path leaves its root directory');
  }
  return target;
}
