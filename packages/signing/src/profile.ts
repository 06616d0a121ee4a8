/**
 * The Portcullis signing profile (PROFILE.md): which components are covered
 * and how each one's value is taken from a request. Fixed by the profile, never
 * chosen by the request.
 */

/** The request shape signers and verifiers read. The body is raw bytes, never a parsed object. */
export interface SignableRequest {
  /** The method exactly as sent (`POST`). */
  readonly method: string;
  /**
   * The request target: an absolute URL (`http://users:8080/v1/x?y=1`) whose
   * path and query are exactly what the HTTP client sends, or the raw origin
   * form from the request line (`/v1/x?y=1`, as `IncomingMessage.url` gives it).
   */
  readonly url: string;
  /** Header names in any case; a value that arrived on several lines is joined with `, `. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body bytes as sent or received; `undefined` or empty when there is none. */
  readonly body: Uint8Array | undefined;
}

/** The label of the profile's signature in `Signature-Input` and `Signature`. */
export const SIGNATURE_LABEL = 'sig1';
/** The only algorithm of the profile. */
export const ALGORITHM = 'hmac-sha256';
/** The header that names the service a request is meant for. */
export const AUDIENCE_HEADER = 'portcullis-audience';

const BASE_COMPONENTS = ['@method', '@path', '@query', AUDIENCE_HEADER] as const;
const BODY_COMPONENTS = [...BASE_COMPONENTS, 'content-type', 'content-digest'] as const;

/** The covered components, in order, for a request with or without a body. */
export function coveredComponents(hasBody: boolean): readonly string[] {
  return hasBody ? BODY_COMPONENTS : BASE_COMPONENTS;
}

/** Whether the request carries content (an empty body counts as none). */
export function hasBody(body: Uint8Array | undefined): body is Uint8Array {
  return body !== undefined && body.byteLength > 0;
}

/** The path and query of a request target, before any decoding. */
export interface Target {
  /** `@path`: the absolute path, `/` when empty. */
  readonly path: string;
  /** `@query`: `?` followed by the query, `?` alone when there is none. */
  readonly query: string;
  /** The host name of an absolute URL, `undefined` for origin form. */
  readonly host: string | undefined;
}

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/**
 * Splits a request target into `@path` and `@query` with no normalisation at
 * all (RFC 9421 §2.2.6: `//a/../b` stays as is, percent-encoding untouched).
 * An absolute URL loses its scheme, authority and fragment and is otherwise
 * taken as written: that is what undici sends for `origin + path`, and what a
 * server sees on the request line.
 *
 * @throws {TypeError} when `url` is neither origin form nor absolute.
 */
export function splitTarget(url: string): Target {
  let rest = url;
  let host: string | undefined;
  if (!url.startsWith('/')) {
    const match = ABSOLUTE.exec(url);
    if (match === null) throw new TypeError('Expected an absolute URL or a path starting with /');
    const authority = match[1]!.slice(match[1]!.lastIndexOf('@') + 1);
    host = authority
      .replace(/:\d*$/, '')
      .replace(/^\[|\]$/g, '')
      .toLowerCase();
    rest = url.slice(match[0].length);
    const hash = rest.indexOf('#');
    if (hash !== -1) rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  return {
    path: path === '' ? '/' : path,
    query: q === -1 ? '?' : `?${rest.slice(q + 1)}`,
    host,
  };
}

/**
 * The value of header `name` per RFC 9421 §2.1: every line (and every key that
 * matches case-insensitively) trimmed of SP/HTAB and joined with `, `;
 * `undefined` when absent.
 */
export function fieldValue(headers: SignableRequest['headers'], name: string): string | undefined {
  let out: string | undefined;
  for (const key in headers) {
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const raw = headers[key];
    if (raw === undefined) continue;
    for (const line of typeof raw === 'string' ? [raw] : raw) {
      const trimmed = trimField(line);
      out = out === undefined ? trimmed : `${out}, ${trimmed}`;
    }
  }
  return out;
}

/**
 * All header values by lower-case name, each combined per RFC 9421 §2.1: one
 * pass over the headers instead of one per covered component.
 */
export function indexHeaders(headers: SignableRequest['headers']): Map<string, string> {
  const index = new Map<string, string>();
  for (const key in headers) {
    const raw = headers[key];
    if (raw === undefined) continue;
    const name = key.toLowerCase();
    for (const line of typeof raw === 'string' ? [raw] : raw) {
      const trimmed = trimField(line);
      const previous = index.get(name);
      index.set(name, previous === undefined ? trimmed : `${previous}, ${trimmed}`);
    }
  }
  return index;
}

function trimField(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  if (first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09) return value;
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Whether a component value may appear in a signature base: visible ASCII, SP and HTAB only. */
export function isBaseSafe(value: string): boolean {
  return /^[\x20-\x7e\t]*$/.test(value);
}

/**
 * The value of one covered component, or `undefined` when the request lacks
 * it. Header values are used as received (after §2.1 combination).
 */
export function componentValue(
  name: string,
  method: string,
  target: Target,
  fields: ReadonlyMap<string, string>,
): string | undefined {
  switch (name) {
    case '@method':
      return method;
    case '@path':
      return target.path;
    case '@query':
      return target.query;
    default:
      return fields.get(name);
  }
}

/**
 * Builds the RFC 9421 §2.5 signature base: one `"name": value` line per
 * covered component, then `"@signature-params": …` with no trailing newline.
 */
export function buildSignatureBase(
  components: readonly string[],
  values: readonly string[],
  signatureParams: string,
): string {
  let base = '';
  for (let i = 0; i < components.length; i++) base += `"${components[i]}": ${values[i]}\n`;
  return `${base}"@signature-params": ${signatureParams}`;
}
