import { readFileSync } from 'node:fs';
import type { VerificationKey } from '@portcullis/signing';
import { z } from 'zod';

/** The configuration every example service reads from its environment. */
export interface ServiceConfig {
  readonly host: string;
  readonly port: number;
  readonly audience: string;
  readonly keys: readonly VerificationKey[];
}

/** Thrown when the environment is invalid; names each variable, never a value. */
export class ServiceConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid service configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ServiceConfigError';
    this.problems = problems;
  }
}

const keyId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, ., _ and -');
const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  SERVICE_AUDIENCE: z.string().min(1).optional(),
  SIGNING_KEY_ID: keyId,
  SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
  SIGNING_PREVIOUS_KEY_ID: keyId.optional(),
  SIGNING_PREVIOUS_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
});

const SECRETS = ['SIGNING_SECRET', 'SIGNING_PREVIOUS_SECRET'] as const;

/**
 * Reads HOST, PORT, SERVICE_AUDIENCE (default `<name>-service`),
 * SIGNING_KEY_ID + SIGNING_SECRET and, during a key rotation,
 * SIGNING_PREVIOUS_KEY_ID + SIGNING_PREVIOUS_SECRET (accepted, verify-only).
 * Secrets may come from `<NAME>_FILE`.
 */
export function readServiceConfig(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig {
  const resolved: Record<string, string | undefined> = { ...env };
  const problems: string[] = [];
  for (const secret of SECRETS) {
    const file = env[`${secret}_FILE`];
    // An empty variable counts as unset, so `SIGNING_SECRET=` in an env file does not hide the file.
    if (file === undefined || (env[secret] !== undefined && env[secret] !== '')) continue;
    try {
      resolved[secret] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      problems.push(
        `${secret}_FILE: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  for (const [key, value] of Object.entries(resolved)) if (value === '') resolved[key] = undefined;
  const parsed = schema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]);
      problems.push(
        `${variable}: ${resolved[variable] === undefined ? 'is required' : issue.message}`,
      );
    }
  }
  if (!parsed.success || problems.length > 0) throw new ServiceConfigError(problems);
  const env2 = parsed.data;
  if (
    (env2.SIGNING_PREVIOUS_KEY_ID === undefined) !==
    (env2.SIGNING_PREVIOUS_SECRET === undefined)
  ) {
    throw new ServiceConfigError([
      'SIGNING_PREVIOUS_KEY_ID and SIGNING_PREVIOUS_SECRET: set both or neither',
    ]);
  }
  const keys: VerificationKey[] = [{ id: env2.SIGNING_KEY_ID, secret: env2.SIGNING_SECRET }];
  if (env2.SIGNING_PREVIOUS_KEY_ID !== undefined && env2.SIGNING_PREVIOUS_SECRET !== undefined) {
    keys.push({
      id: env2.SIGNING_PREVIOUS_KEY_ID,
      secret: env2.SIGNING_PREVIOUS_SECRET,
      status: 'verify-only',
    });
  }
  return {
    host: env2.HOST,
    port: env2.PORT,
    audience: env2.SERVICE_AUDIENCE ?? `${name}-service`,
    keys,
  };
}
