import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidOption, truncateForMessage } from '../errors/portcullis-error';
import { pathOf, sendJson } from './response';

/** One readiness check: resolves when the dependency is usable, throws or rejects when not. */
export type HealthCheck = (signal: AbortSignal) => unknown;

/** A readiness check with its own settings. */
export interface HealthCheckDefinition {
  /** The check itself. */
  readonly check: HealthCheck;
  /** How long it may take before it counts as failed. @default the handler's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Whether a failure makes the service not ready (`false`: reported, status `degraded`). @default true */
  readonly critical?: boolean;
}

/** Options for {@link createHealthHandler}. */
export interface HealthHandlerOptions {
  /** Named readiness checks (`redis`, `users-service`…), run concurrently on each readiness probe. @default {} */
  readonly checks?: Readonly<Record<string, HealthCheck | HealthCheckDefinition>>;
  /** Default time limit of each check. @default 2000 */
  readonly timeoutMs?: number;
  /** Path of the liveness probe. @default '/health' */
  readonly livenessPath?: string;
  /** Path of the readiness probe. @default '/ready' */
  readonly readinessPath?: string;
  /** Puts each failed check's error message (truncated) in the body; off by default since probes may be public. @default false */
  readonly exposeErrors?: boolean;
}

/** The outcome of one check. */
export interface HealthCheckResult {
  readonly status: 'ok' | 'fail' | 'timeout';
  readonly critical: boolean;
  readonly durationMs: number;
  /** The error message, only with `exposeErrors`. */
  readonly error?: string;
}

/** The body of a readiness answer. */
export interface HealthReport {
  /** `ok` and `degraded` answer 200; `fail` and `draining` answer 503. */
  readonly status: 'ok' | 'degraded' | 'fail' | 'draining';
  readonly checks: Readonly<Record<string, HealthCheckResult>>;
}

/**
 * Answers the liveness and readiness paths, passes anything else to `next`
 * (or answers 404 when used as a plain handler).
 */
export interface HealthHandler {
  (req: IncomingMessage, res: ServerResponse, next?: () => Promise<void>): Promise<void>;
  /** Runs the readiness checks (concurrent probes share one run). */
  check(): Promise<HealthReport>;
  /** Marks the service as shutting down: readiness answers 503 from now on, liveness stays 200. */
  drain(): void;
  /** Whether {@link HealthHandler.drain} was called. */
  readonly draining: boolean;
}

interface ResolvedCheck {
  readonly name: string;
  readonly check: HealthCheck;
  readonly timeoutMs: number;
  readonly critical: boolean;
}

function positiveInteger(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw invalidOption(name, 'a positive integer', value);
  }
  return value as number;
}

function path(name: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/'))
    throw invalidOption(name, 'a path starting with "/"', value);
  return value;
}

async function runCheck(check: ResolvedCheck, expose: boolean): Promise<HealthCheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), check.timeoutMs);
  });
  const durationMs = () => Math.round((performance.now() - started) * 1000) / 1000;
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(() => check.check(controller.signal)),
      timedOut,
    ]);
    if (outcome === 'timeout') {
      controller.abort(new Error(`health check ${check.name} timed out`));
      return {
        status: 'timeout',
        critical: check.critical,
        durationMs: durationMs(),
        ...(expose ? { error: `timed out after ${check.timeoutMs} ms` } : {}),
      };
    }
    return { status: 'ok', critical: check.critical, durationMs: durationMs() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 'fail',
      critical: check.critical,
      durationMs: durationMs(),
      ...(expose ? { error: truncateForMessage(message, 200) } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness (`/health`: the process answers) and readiness (`/ready`: every
 * critical dependency answered its check in time) for load balancers and
 * orchestrators, as JSON with `Cache-Control: no-store`.
 *
 * @example
 * ```ts
 * const health = createHealthHandler({ checks: { redis: () => redis.ping() } });
 * const server = createServer(createHttpPipeline([securityHeaders(), health], app));
 * process.once('SIGTERM', () => health.drain());
 * ```
 */
export function createHealthHandler(options: HealthHandlerOptions = {}): HealthHandler {
  const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? 2000);
  const livenessPath = path('livenessPath', options.livenessPath ?? '/health');
  const readinessPath = path('readinessPath', options.readinessPath ?? '/ready');
  const expose = options.exposeErrors ?? false;
  const checks: ResolvedCheck[] = Object.entries(options.checks ?? {}).map(([name, entry]) => {
    const definition = typeof entry === 'function' ? { check: entry } : entry;
    if (typeof definition?.check !== 'function') {
      throw invalidOption(`checks.${name}`, 'a function or { check }', entry);
    }
    return {
      name,
      check: definition.check,
      timeoutMs: positiveInteger(`checks.${name}.timeoutMs`, definition.timeoutMs ?? timeoutMs),
      critical: definition.critical ?? true,
    };
  });
  let draining = false;
  let inFlight: Promise<HealthReport> | undefined;

  async function runAll(): Promise<HealthReport> {
    const results = await Promise.all(checks.map((check) => runCheck(check, expose)));
    const byName: Record<string, HealthCheckResult> = {};
    checks.forEach((check, index) => {
      byName[check.name] = results[index]!;
    });
    const failed = results.filter((result) => result.status !== 'ok');
    const status = failed.some((r) => r.critical) ? 'fail' : failed.length > 0 ? 'degraded' : 'ok';
    return { status, checks: byName };
  }

  function check(): Promise<HealthReport> {
    if (draining) return Promise.resolve({ status: 'draining', checks: {} });
    inFlight ??= runAll().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  const handler = async function healthHandler(
    req: IncomingMessage,
    res: ServerResponse,
    next?: () => Promise<void>,
  ): Promise<void> {
    const pathname = pathOf(req.url);
    if (pathname !== livenessPath && pathname !== readinessPath) {
      if (next !== undefined) return next();
      sendJson(res, 404, { error: { code: 'not_found', message: 'Not Found' } });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(
        res,
        405,
        { error: { code: 'method_not_allowed', message: 'Use GET or HEAD' } },
        { allow: 'GET, HEAD' },
      );
      return;
    }
    const report =
      pathname === livenessPath
        ? { status: 'ok' as const, uptimeSeconds: Math.floor(process.uptime()) }
        : await check();
    const status = report.status === 'ok' || report.status === 'degraded' ? 200 : 503;
    if (req.method === 'HEAD') {
      res.statusCode = status;
      res.setHeader('cache-control', 'no-store');
      res.end();
      return;
    }
    sendJson(res, status, report);
  } as HealthHandler;

  Object.defineProperties(handler, {
    check: { value: check },
    drain: {
      value: () => {
        draining = true;
      },
    },
    draining: { get: () => draining },
  });
  return handler;
}
