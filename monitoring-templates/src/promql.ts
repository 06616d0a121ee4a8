/**
 * PromQL checks with Prometheus' own grammar (`@prometheus-io/lezer-promql`):
 * every expression is parsed, never grepped, and every metric and label it
 * uses must exist in the {@link MetricSchema}.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { MetricSchema } from './schema';

/** A node of the lezer syntax tree (`@lezer/common` is not a direct dependency). */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** One problem found in an expression. */
export interface PromqlProblem {
  readonly expr: string;
  readonly message: string;
}

/** What an expression reads. */
export interface PromqlUsage {
  /** Series names selected. */
  readonly metrics: readonly string[];
  /** Labels named in matchers, `by`/`without` and `on`/`ignoring`. */
  readonly labels: readonly string[];
  /** Labels the result carries (what a recording rule of it would expose). */
  readonly output: readonly string[];
}

/** Grafana's built-in interval variables, replaced before parsing. */
const GRAFANA_DURATIONS: Readonly<Record<string, string>> = {
  $__rate_interval: '1m',
  $__interval: '30s',
  $__range: '1h',
};

/** Replaces Grafana's interval variables with durations so the text is plain PromQL. */
export function substituteGrafanaVariables(
  expr: string,
  values: Readonly<Record<string, string>> = {},
): string {
  return expr.replace(/\$\{?(__[a-z_]+|[a-z_]+)\}?/g, (whole, name: string) => {
    const key = `$${name}`;
    return GRAFANA_DURATIONS[key] ?? values[name] ?? whole;
  });
}

// Functions whose result drops every label, or that take no vector.
const LABEL_DROPPING = new Set(['vector', 'scalar', 'time', 'absent', 'absent_over_time', 'pi']);

interface Walk {
  readonly source: string;
  readonly schema: MetricSchema;
  readonly problems: string[];
  readonly metrics: Set<string>;
  readonly labels: Set<string>;
}

/** Parses `expr` and checks it against `schema`; returns the problems found (none when valid). */
export function checkPromql(expr: string, schema: MetricSchema): PromqlProblem[] {
  return analyzePromql(expr, schema).problems.map((message) => ({ expr, message }));
}

/** Parses `expr`, returns what it uses and every problem found. */
export function analyzePromql(
  expr: string,
  schema: MetricSchema,
): PromqlUsage & { readonly problems: readonly string[] } {
  const tree = parser.parse(expr);
  const walk: Walk = {
    source: expr,
    schema,
    problems: [],
    metrics: new Set(),
    labels: new Set(),
  };
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        walk.problems.push(
          `syntax error at offset ${node.from}: "${expr.slice(node.from, node.from + 20)}"`,
        );
      }
    },
  });
  const root = tree.topNode;
  const top = root.firstChild;
  let output = new Set<string>();
  if (root.name !== 'PromQL' || top === null) {
    walk.problems.push('not a PromQL expression');
  } else if (walk.problems.length === 0) {
    output = labelsOf(top, walk);
  }
  return {
    metrics: [...walk.metrics],
    labels: [...walk.labels],
    output: [...output],
    problems: walk.problems,
  };
}

const text = (node: SyntaxNode, walk: Walk) => walk.source.slice(node.from, node.to);

function groupingLabels(node: SyntaxNode | null, walk: Walk): string[] {
  const grouping = node?.getChild('GroupingLabels');
  if (grouping === null || grouping === undefined) return [];
  return grouping.getChildren('LabelName').map((label) => text(label, walk));
}

function requireLabels(labels: string[], available: ReadonlySet<string>, where: string, w: Walk) {
  for (const label of labels) {
    w.labels.add(label);
    if (!available.has(label)) {
      w.problems.push(
        `label \`${label}\` in ${where} is not carried by the series it groups (available: ${[...available].sort().join(', ') || 'none'})`,
      );
    }
  }
}

/** The labels the value of `node` carries; records problems on the way. */
function labelsOf(node: SyntaxNode, walk: Walk): Set<string> {
  switch (node.name) {
    case 'VectorSelector':
      return selectorLabels(node, walk);
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return new Set();
    case 'AggregateExpr': {
      const body = node.getChild('FunctionCallBody');
      const args = body === null ? [] : expressionChildren(body);
      const inner = args.length === 0 ? new Set<string>() : labelsOf(args[args.length - 1]!, walk);
      for (const arg of args.slice(0, -1)) labelsOf(arg, walk);
      const modifier = node.getChild('AggregateModifier');
      const grouped = groupingLabels(modifier, walk);
      const op = text(node.getChild('AggregateOp')!, walk);
      requireLabels(grouped, inner, `${op} by/without`, walk);
      if (modifier === null) return new Set();
      if (modifier.getChild('Without') !== null) {
        return new Set([...inner].filter((label) => !grouped.includes(label)));
      }
      return new Set(grouped);
    }
    case 'FunctionCall': {
      const name = text(node.getChild('FunctionIdentifier')!, walk);
      const body = node.getChild('FunctionCallBody');
      const args = body === null ? [] : expressionChildren(body);
      const argLabels = args.map((arg) => labelsOf(arg, walk));
      if (LABEL_DROPPING.has(name)) return new Set();
      if (name === 'histogram_quantile') {
        const buckets = argLabels[1] ?? new Set<string>();
        if (!buckets.has('le')) {
          walk.problems.push('histogram_quantile needs buckets that keep the `le` label');
        }
        return new Set([...buckets].filter((label) => label !== 'le'));
      }
      if (name === 'label_replace' || name === 'label_join') {
        walk.problems.push(`${name} is not allowed: it invents labels the catalog does not define`);
        return new Set();
      }
      return argLabels.find((labels) => labels.size > 0) ?? new Set();
    }
    case 'BinaryExpr': {
      const [left, right] = expressionChildren(node);
      const leftLabels = left === undefined ? new Set<string>() : labelsOf(left, walk);
      const rightLabels = right === undefined ? new Set<string>() : labelsOf(right, walk);
      const matching = node.getChild('MatchingModifierClause');
      if (matching !== null) {
        const on = groupingLabels(matching, walk);
        requireLabels(on, leftLabels, 'on/ignoring (left side)', walk);
        requireLabels(on, rightLabels, 'on/ignoring (right side)', walk);
      }
      if (leftLabels.size === 0) return rightLabels;
      if (matching?.getChild('GroupRight') != null) return rightLabels;
      return leftLabels;
    }
    default: {
      // ParenExpr, MatrixSelector, SubqueryExpr, OffsetExpr, UnaryExpr, StepInvariantExpr…
      const [inner] = expressionChildren(node);
      return inner === undefined ? new Set() : labelsOf(inner, walk);
    }
  }
}

const EXPRESSION_NODES = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'AnchoredExpr',
  'SmoothedExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
]);

function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (EXPRESSION_NODES.has(child.name)) children.push(child);
  }
  return children;
}

function selectorLabels(node: SyntaxNode, walk: Walk): Set<string> {
  const identifier = node.getChild('Identifier');
  if (identifier === null) {
    walk.problems.push('selectors must name their metric');
    return new Set();
  }
  const name = text(identifier, walk);
  walk.metrics.add(name);
  const info = walk.schema.series.get(name);
  if (info === undefined) {
    walk.problems.push(`metric \`${name}\` is not in the catalog`);
    return new Set();
  }
  const matchers = node.getChild('LabelMatchers');
  for (const matcher of matchers?.getChildren('UnquotedLabelMatcher') ?? []) {
    const label = text(matcher.getChild('LabelName')!, walk);
    walk.labels.add(label);
    if (!info.labels.has(label)) {
      walk.problems.push(`metric \`${name}\` has no label \`${label}\``);
    }
    checkMatcherValues(matcher, name, label, info.values.get(label), walk);
  }
  if (matchers !== null && matchers.getChildren('QuotedLabelMatcher').length > 0) {
    walk.problems.push(`quoted label names are not used by Portcullis (in \`${name}\`)`);
  }
  return new Set(info.labels);
}

// A matcher value made only of literal alternatives: `failed` or `failed|timeout`.
const LITERAL_ALTERNATIVES = /^[A-Za-z0-9_.:+-]+(\|[A-Za-z0-9_.:+-]+)*$/;

/** Checks `=` and `=~` matcher values against the values the catalog documents. */
function checkMatcherValues(
  matcher: SyntaxNode,
  metric: string,
  label: string,
  allowed: ReadonlySet<string> | undefined,
  walk: Walk,
): void {
  if (allowed === undefined) return;
  const op = matcher.getChild('MatchOp')?.firstChild?.name;
  const literal = matcher.getChild('StringLiteral');
  if (literal === null || (op !== 'EqlSingle' && op !== 'EqlRegex')) return;
  const value = text(literal, walk).slice(1, -1);
  if (op === 'EqlRegex' && !LITERAL_ALTERNATIVES.test(value)) return;
  for (const candidate of op === 'EqlRegex' ? value.split('|') : [value]) {
    if (!allowed.has(candidate)) {
      walk.problems.push(
        `\`${metric}{${label}}\` never takes the value \`${candidate}\` (catalog values: ${[...allowed].join(', ')})`,
      );
    }
  }
}
