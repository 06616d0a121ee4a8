import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Environment of the reference gateway. Every variable is documented in
 * `.env.example`. Secrets may be given directly or as `<NAME>_FILE`, a path
 * whose contents are read (Docker and Kubernetes secrets).
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const url = z.url({ protocol: /^https?$/ });
// One URL for a single Redis, or comma-separated seed URLs for Redis Cluster.
const redisUrls = z
  .string()
  .refine(
    (value) =>
      value
        .split(',')
        .every((part) => z.url({ protocol: /^rediss?$/ }).safeParse(part.trim()).success),
    'must be redis://[:password@]host:port, or several of them separated by commas for Redis Cluster',
  );
const secret = (minLength: number) =>
  z.string().min(minLength, `must be at least ${minLength} characters`);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{30,}$/, 'must look like 123456:ABC… (the token from @BotFather)'),
    TELEGRAM_API_ROOT: url.default('https://api.telegram.org'),
    TELEGRAM_UPDATE_MODE: z.enum(['webhook', 'polling']).default('webhook'),
    TELEGRAM_WEBHOOK_URL: url.optional(),
    TELEGRAM_WEBHOOK_PATH: z.string().startsWith('/').default('/telegram/webhook'),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
    REDIS_URL: redisUrls.optional(),
    SERVICE_USERS_URL: url,
    SERVICE_REQUESTS_URL: url,
    SERVICE_SHIFTS_URL: url,
    SERVICE_ADMIN_URL: url,
    SERVICE_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
    SIGNING_KEY_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, ., _ and -'),
    SIGNING_SECRET: secret(32),
    ADMIN_USER_IDS: z
      .string()
      .default('')
      .transform((value, context) => {
        const ids = value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
        for (const id of ids) {
          if (!/^\d{1,16}$/.test(id)) {
            context.addIssue({ code: 'custom', message: `"${id}" is not a Telegram user id` });
            return z.NEVER;
          }
        }
        return ids.map(Number);
      }),
    CORS_ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      ),
    METRICS_PREFIX: z
      .string()
      // No `:` (reserved for recording rules), as the metrics package requires.
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
      .default('portcullis_'),
    OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
    OTEL_SERVICE_NAME: z.string().default('portcullis-gateway'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(25_000),
    TRUST_PROXY: booleanFlag.default(false),
    DURABLE_INGEST: booleanFlag.default(false),
    WEBHOOK_RATE_LIMIT_PER_SECOND: z.coerce.number().int().positive().default(100),
    WEBHOOK_RATE_LIMIT_BURST: z.coerce.number().int().min(0).default(50),
    WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(1000),
    TELEGRAM_OUTBOUND_GLOBAL_PER_SECOND: z.coerce.number().int().positive().max(1000).default(30),
  })
  .superRefine((env, context) => {
    if (env.DURABLE_INGEST && !env.REDIS_URL) {
      context.addIssue({
        code: 'custom',
        path: ['DURABLE_INGEST'],
        message: 'needs REDIS_URL: the queue lives in Redis',
      });
    }
    if (env.TELEGRAM_UPDATE_MODE === 'webhook') {
      if (!env.TELEGRAM_WEBHOOK_URL) {
        context.addIssue({
          code: 'custom',
          path: ['TELEGRAM_WEBHOOK_URL'],
          message: 'is required when TELEGRAM_UPDATE_MODE=webhook',
        });
      }
      if (!env.TELEGRAM_WEBHOOK_SECRET) {
        context.addIssue({
          code: 'custom',
          path: ['TELEGRAM_WEBHOOK_SECRET'],
          message: 'is required when TELEGRAM_UPDATE_MODE=webhook',
        });
      }
    }
  });

/** The validated configuration of the gateway. */
export type GatewayConfig = z.output<typeof schema>;

/** Variables whose value is a secret: never printed, may come from `<NAME>_FILE`. */
export const SECRET_VARIABLES = [
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'SIGNING_SECRET',
  'REDIS_URL',
] as const;

/** Thrown when the environment is invalid; lists every bad or missing variable. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  /** One entry per variable: its name and what is wrong (never its value). */
  readonly problems: ReadonlyArray<{ readonly variable: string; readonly message: string }>;

  constructor(problems: ReadonlyArray<{ variable: string; message: string }>) {
    super(
      `Invalid gateway configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads `<NAME>_FILE` for secrets and validates the environment. Throws a
 * {@link ConfigError} naming every bad or missing variable, without values.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const resolved: Record<string, string | undefined> = { ...env };
  const problems: Array<{ variable: string; message: string }> = [];
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (file === undefined || (env[name] !== undefined && env[name] !== '')) continue;
    try {
      resolved[name] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      problems.push({
        variable: `${name}_FILE`,
        message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
    }
  }
  for (const [key, value] of Object.entries(resolved)) if (value === '') resolved[key] = undefined;
  const parsed = schema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      const message =
        issue.code === 'invalid_type' && resolved[variable] === undefined
          ? 'is required'
          : issue.message;
      problems.push({ variable, message });
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** A copy of the configuration safe to log: secrets replaced by `[redacted]`. */
export function redactConfig(config: GatewayConfig): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const name of SECRET_VARIABLES) if (copy[name] !== undefined) copy[name] = '[redacted]';
  return copy;
}
