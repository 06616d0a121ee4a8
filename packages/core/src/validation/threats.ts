import { invalidOption } from '../errors/portcullis-error';
import { CHANNELS, publish, type ThreatKind } from '../instrumentation/channels';

/** A pattern, or several that must all match. */
export type ThreatSignature = RegExp | readonly RegExp[];

/**
 * Signatures per threat kind, matched against normalised text (percent and
 * numeric HTML entities decoded twice, lower-cased, whitespace collapsed to
 * one space). Tuned to label attacks, not to block them: see
 * {@link detectThreats}.
 */
export const THREAT_PATTERNS: Readonly<Record<ThreatKind, readonly ThreatSignature[]>> = {
  sql_injection: [
    /['"`] ?(?:or|and) ?['"(]?[a-z0-9_]{1,20}['"]? ?(?:=|<|>|like\b)/,
    /['"`;)] ?(?:drop|delete|insert|update|alter|truncate|exec|execute|create|shutdown|declare)\b/,
    /\bunion(?: all| distinct)? ?\(? ?select\b/,
    /\b(?:drop|truncate|alter) (?:table|database|schema)\b/,
    /\binsert into [a-z_][a-z0-9_.]{0,63} ?\(/,
    /\bdelete from [a-z_][a-z0-9_.]{0,63} where\b/,
    /\b(?:sleep|pg_sleep|benchmark) ?\( ?[0-9]/,
    /\bwaitfor delay\b/,
    /\b(?:xp_cmdshell|information_schema|sqlite_master|load_file|into outfile)\b/,
    /['"] ?(?:--|#|\/\*)/,
  ],
  xss: [
    /<\/? ?script\b/,
    /<(?:iframe|object|embed|svg|math|base|meta|link|style|frameset|applet|form)\b/,
    /\b(?:javascript|vbscript|livescript) ?:/,
    /\bdata ?: ?text\/html\b/,
    // A tag somewhere and an event-handler attribute (`<img src=x onerror=…`); two
    // linear patterns instead of one tag-spanning pattern, which would be polynomial.
    [/<[a-z]/, /[\s/"']on[a-z]{3,20} ?=/],
    /\bsrcdoc ?=/,
    /\bexpression ?\(/,
    /\bdocument\.(?:cookie|write|location|domain)\b/,
    /\b(?:alert|prompt|eval)\(/,
  ],
  command_injection: [
    /(?:;|&&|\|\|?|`|\$\() ?(?:rm|curl|wget|nc|ncat|netcat|bash|sh|zsh|dash|python[0-9.]{0,4}|perl|ruby|php|cat|chmod|chown|kill|whoami|id|uname|ping|nslookup|powershell|cmd)\b/,
    /\$\{ ?ifs ?\}/,
    /\/bin\/(?:ba|z|da)?sh\b/,
    /\/dev\/(?:tcp|udp)\//,
    /\b(?:cmd(?:\.exe)? \/c|powershell(?:\.exe)? -(?:c|e|enc|command))\b/,
  ],
  path_traversal: [
    /(?:^|[/\\])\.\.(?:[/\\]|$)/,
    /\/etc\/(?:passwd|shadow|hosts|group)\b/,
    /\b[a-z]:\\(?:windows|winnt|boot\.ini)\b/,
    /\\windows\\system32\b/,
    /\bfile:\/\//,
    /\u2215|\u2216|\uff0e\uff0e/,
  ],
};

/** Patterns used to normalise text before matching (checked for ReDoS like the others). */
export const THREAT_NORMALIZATION_PATTERNS = {
  percent: /%([0-9a-f]{2})/gi,
  entity: /&#(?:x([0-9a-f]{1,6})|([0-9]{1,7}));?/gi,
  whitespace: /\s+/g,
} as const;
const { percent: PERCENT, entity: ENTITY, whitespace: WHITESPACE } = THREAT_NORMALIZATION_PATTERNS;

function decodeOnce(text: string): string {
  return text
    .replace(PERCENT, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(ENTITY, (whole, hex: string | undefined, dec: string | undefined) => {
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
      return code > 0x10ffff ? whole : String.fromCodePoint(code);
    });
}

/** The exact text the patterns see (exported for tests and debugging). */
export function normalizeForThreatDetection(text: string, maxInputLength = 16_384): string {
  const bounded = text.length > maxInputLength ? text.slice(0, maxInputLength) : text;
  return decodeOnce(decodeOnce(bounded))
    .replaceAll('\0', '')
    .toLowerCase()
    .replace(WHITESPACE, ' ');
}

/** Options of {@link createThreatDetector}. */
export interface ThreatDetectorOptions {
  /** Kinds to look for. @default all four */
  readonly kinds?: readonly ThreatKind[];
  /** Only the first this many characters are inspected, so detection stays cheap. @default 16384 */
  readonly maxInputLength?: number;
}

/** Labels text with the threat kinds it looks like; `source` is a bounded label for metrics. */
export type ThreatDetector = (text: string, source?: string) => readonly ThreatKind[];

const ALL_KINDS: readonly ThreatKind[] = [
  'sql_injection',
  'xss',
  'command_injection',
  'path_traversal',
];

/**
 * Builds a threat detector: labels text that looks like SQL injection, XSS,
 * shell command injection or path traversal, and publishes
 * `CHANNELS.threatDetected` when it finds any. **Defence in depth only**: it
 * is for logs and metrics and will miss attacks and flag some harmless text.
 * The real defences are allow-list schemas, parameterised queries, output
 * escaping and never passing user text to a shell.
 */
export function createThreatDetector(options: ThreatDetectorOptions = {}): ThreatDetector {
  const kinds: readonly ThreatKind[] = options.kinds ?? ALL_KINDS;
  if (!Array.isArray(kinds as unknown) || kinds.some((kind) => !ALL_KINDS.includes(kind))) {
    throw invalidOption('kinds', `a list of ${ALL_KINDS.join(', ')}`, kinds);
  }
  const maxInputLength = options.maxInputLength ?? 16_384;
  if (!Number.isSafeInteger(maxInputLength) || maxInputLength < 1) {
    throw invalidOption('maxInputLength', 'a positive integer', maxInputLength);
  }
  return function detectThreats(text: string, source = 'unknown'): readonly ThreatKind[] {
    if (typeof text !== 'string' || text === '') return [];
    const normalized = normalizeForThreatDetection(text, maxInputLength);
    const found = kinds.filter((kind) =>
      THREAT_PATTERNS[kind].some((signature) =>
        signature instanceof RegExp
          ? signature.test(normalized)
          : signature.every((pattern) => pattern.test(normalized)),
      ),
    );
    if (found.length > 0) publish(CHANNELS.threatDetected, () => ({ kinds: found, source }));
    return found;
  };
}

/** {@link createThreatDetector} with default options. */
export const detectThreats: ThreatDetector = createThreatDetector();
