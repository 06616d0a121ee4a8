import { FLOW_ID_PATTERN } from '../fsm/define-flow';
import { VALIDATION_PATTERNS } from './patterns';
import { THREAT_NORMALIZATION_PATTERNS, THREAT_PATTERNS } from './threats';

/** A named regular expression used somewhere in core's input handling. */
export interface NamedPattern {
  readonly name: string;
  readonly pattern: RegExp;
}

/**
 * Every regular expression core applies to untrusted input. A test runs each
 * through the `recheck` ReDoS analyser and fails on any that is not
 * linear-time; add new patterns here.
 */
export const INPUT_PATTERNS: readonly NamedPattern[] = [
  ...Object.entries(VALIDATION_PATTERNS).map(([name, pattern]) => ({ name, pattern })),
  ...Object.entries(THREAT_PATTERNS).flatMap(([kind, patterns]) =>
    patterns.flatMap((signature, index) =>
      (signature instanceof RegExp ? [signature] : signature).map((pattern, part) => ({
        name: `threat.${kind}[${index}]${signature instanceof RegExp ? '' : `.${part}`}`,
        pattern,
      })),
    ),
  ),
  ...Object.entries(THREAT_NORMALIZATION_PATTERNS).map(([name, pattern]) => ({
    name: `threat.normalize.${name}`,
    pattern,
  })),
  { name: 'fsm.flowId', pattern: FLOW_ID_PATTERN },
];
