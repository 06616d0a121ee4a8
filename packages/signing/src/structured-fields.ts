/**
 * The subset of RFC 8941 Structured Field Values that RFC 9421 and RFC 9530
 * need: dictionaries whose members are items or inner lists, with parameters.
 * Stricter than RFC 8941 on purpose (a verifier must not guess): duplicate
 * dictionary keys and non-canonical base64 are errors, not "last one wins".
 */

/** A bare item, tagged with its type so serialisation round-trips exactly. */
export type BareItem =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'token'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'decimal'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bytes'; readonly value: Uint8Array };

/** Parameters in the order they appeared. */
export type Parameters = ReadonlyArray<readonly [string, BareItem]>;

/** An item with its parameters. */
export interface Item {
  readonly kind: 'item';
  readonly value: BareItem;
  readonly params: Parameters;
}

/** An inner list `( … )` with its parameters. */
export interface InnerList {
  readonly kind: 'inner-list';
  readonly items: readonly Item[];
  readonly params: Parameters;
}

/** A dictionary member. */
export type Member = Item | InnerList;

/** Thrown when a field value is not valid structured-field syntax. */
export class StructuredFieldError extends Error {}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// Character classes as lookup tables: the parser runs on every verified request.
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const TOKEN_EXTRA = new Set([...`!#$%&'*+-.^_\`|~:/`].map((c) => c.charCodeAt(0)));
const isKeyStart = (c: number) => isLower(c) || c === 0x2a;
const isKeyChar = (c: number) =>
  isLower(c) || isDigit(c) || c === 0x5f || c === 0x2d || c === 0x2e || c === 0x2a;
const isTokenStart = (c: number) => isLower(c) || isUpper(c) || c === 0x2a;
const isTokenChar = (c: number) => isLower(c) || isUpper(c) || isDigit(c) || TOKEN_EXTRA.has(c);

class Parser {
  private index = 0;
  constructor(private readonly input: string) {}

  parseDictionary(): Map<string, Member> {
    const members = new Map<string, Member>();
    this.skipSpaces();
    if (this.done()) return members;
    for (;;) {
      const key = this.parseKey();
      if (members.has(key)) throw new StructuredFieldError(`duplicate key ${key}`);
      let member: Member;
      if (this.peek() === '=') {
        this.index++;
        member = this.parseMember();
      } else {
        member = {
          kind: 'item',
          value: { type: 'boolean', value: true },
          params: this.parseParams(),
        };
      }
      members.set(key, member);
      this.skipOws();
      if (this.done()) return members;
      this.expect(',');
      this.skipOws();
      if (this.done()) throw new StructuredFieldError('trailing comma');
    }
  }

  private parseMember(): Member {
    if (this.peek() === '(') return this.parseInnerList();
    return { kind: 'item', value: this.parseBareItem(), params: this.parseParams() };
  }

  private parseInnerList(): InnerList {
    this.expect('(');
    const items: Item[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.peek() === ')') {
        this.index++;
        return { kind: 'inner-list', items, params: this.parseParams() };
      }
      items.push({ kind: 'item', value: this.parseBareItem(), params: this.parseParams() });
      const next = this.peek();
      if (next !== ' ' && next !== ')') throw new StructuredFieldError('bad inner list');
    }
  }

  private parseParams(): Parameters {
    const params: Array<readonly [string, BareItem]> = [];
    while (this.peek() === ';') {
      this.index++;
      this.skipSpaces();
      const key = this.parseKey();
      if (params.some(([existing]) => existing === key))
        throw new StructuredFieldError(`duplicate parameter ${key}`);
      let value: BareItem = { type: 'boolean', value: true };
      if (this.peek() === '=') {
        this.index++;
        value = this.parseBareItem();
      }
      params.push([key, value]);
    }
    return params;
  }

  private parseKey(): string {
    const start = this.index;
    if (!isKeyStart(this.code())) throw new StructuredFieldError('bad key');
    this.index++;
    while (isKeyChar(this.code())) this.index++;
    return this.input.slice(start, this.index);
  }

  private parseBareItem(): BareItem {
    const c = this.peek();
    if (c === '"') return { type: 'string', value: this.parseString() };
    if (c === ':') return { type: 'bytes', value: this.parseBytes() };
    if (c === '?') {
      this.index++;
      const v = this.peek();
      if (v !== '0' && v !== '1') throw new StructuredFieldError('bad boolean');
      this.index++;
      return { type: 'boolean', value: v === '1' };
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
    if (isTokenStart(this.code())) {
      const start = this.index;
      this.index++;
      while (isTokenChar(this.code())) this.index++;
      return { type: 'token', value: this.input.slice(start, this.index) };
    }
    throw new StructuredFieldError('bad item');
  }

  private parseNumber(): BareItem {
    const match = /^-?(\d{1,15})(\.\d{1,3})?/.exec(this.input.slice(this.index));
    if (match === null || (match[2] === undefined && match[1]!.length > 15))
      throw new StructuredFieldError('bad number');
    const next = this.input[this.index + match[0].length];
    if (next !== undefined && /[\d.]/.test(next)) throw new StructuredFieldError('bad number');
    this.index += match[0].length;
    const value = Number(match[0]);
    return match[2] === undefined ? { type: 'integer', value } : { type: 'decimal', value };
  }

  private parseString(): string {
    this.expect('"');
    // Fast path: no escapes before the closing quote.
    const end = this.input.indexOf('"', this.index);
    if (end !== -1) {
      const raw = this.input.slice(this.index, end);
      if (!raw.includes('\\') && isSfStringSafe(raw)) {
        this.index = end + 1;
        return raw;
      }
    }
    let out = '';
    for (;;) {
      const c = this.input[this.index++];
      if (c === undefined) throw new StructuredFieldError('unterminated string');
      if (c === '"') return out;
      if (c === '\\') {
        const escaped = this.input[this.index++];
        if (escaped !== '"' && escaped !== '\\') throw new StructuredFieldError('bad escape');
        out += escaped;
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) throw new StructuredFieldError('bad string character');
        out += c;
      }
    }
  }

  private parseBytes(): Uint8Array {
    this.expect(':');
    const end = this.input.indexOf(':', this.index);
    if (end === -1) throw new StructuredFieldError('unterminated byte sequence');
    const text = this.input.slice(this.index, end);
    if (!BASE64.test(text)) throw new StructuredFieldError('non-canonical base64');
    const bytes = Buffer.from(text, 'base64');
    // Non-zero pad bits decode to the same bytes: refuse them, so one value has one spelling.
    if (bytes.toString('base64') !== text) throw new StructuredFieldError('non-canonical base64');
    this.index = end + 1;
    return new Uint8Array(bytes);
  }

  private peek(): string {
    return this.input[this.index] ?? '';
  }
  private code(): number {
    return this.input.charCodeAt(this.index);
  }
  private done(): boolean {
    return this.index >= this.input.length;
  }
  private expect(c: string): void {
    if (this.input[this.index] !== c) throw new StructuredFieldError(`expected ${c}`);
    this.index++;
  }
  private skipSpaces(): void {
    while (this.input[this.index] === ' ') this.index++;
  }
  private skipOws(): void {
    while (this.input[this.index] === ' ' || this.input[this.index] === '\t') this.index++;
  }
}

/**
 * Parses a dictionary field value (RFC 8941 §4.2.2), strictly.
 *
 * @throws {StructuredFieldError} on any syntax error or duplicate key.
 */
export function parseDictionary(value: string): Map<string, Member> {
  return new Parser(value.trim()).parseDictionary();
}

/** Serialises an sf-string: `"…"` with `\` and `"` escaped. */
export function serializeString(value: string): string {
  if (!value.includes('"') && !value.includes('\\')) return `"${value}"`;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Serialises a bare item (canonical form). */
export function serializeBareItem(item: BareItem): string {
  switch (item.type) {
    case 'string':
      return serializeString(item.value);
    case 'token':
      return item.value;
    case 'integer':
      return String(item.value);
    case 'decimal':
      return Number.isInteger(item.value) ? `${item.value}.0` : String(item.value);
    case 'boolean':
      return item.value ? '?1' : '?0';
    case 'bytes':
      return `:${Buffer.from(item.value).toString('base64')}:`;
  }
}

/** Serialises parameters (`;a=1;b`), a `true` boolean written bare. */
export function serializeParams(params: Parameters): string {
  let out = '';
  for (const [key, value] of params)
    out +=
      value.type === 'boolean' && value.value ? `;${key}` : `;${key}=${serializeBareItem(value)}`;
  return out;
}

/** Serialises an inner list with its parameters. */
export function serializeInnerList(list: InnerList): string {
  const items = list.items.map((i) => serializeBareItem(i.value) + serializeParams(i.params));
  return `(${items.join(' ')})${serializeParams(list.params)}`;
}

/** Whether `value` can be an sf-string (printable ASCII only). */
export function isSfStringSafe(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}
