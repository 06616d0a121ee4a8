/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A JSON-lines logger. Callers pass facts, never secrets or tokens. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** Writes one JSON object per line to `write` (stdout by default) at `level` and above. */
export function createLogger(
  options: { readonly level?: LogLevel; readonly write?: (line: string) => void } = {},
): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  return {
    log(level, message, fields = {}) {
      if (ORDER[level] < threshold) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
    },
  };
}

/** A logger that drops everything (tests, the demo's quiet mode). */
export const silentLogger: Logger = { log: () => undefined };

/** The name and message of an error, for logs: never its `cause` chain's secrets or a stack. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      error: error.name,
      message: error.message.slice(0, 300),
      ...(code === undefined ? {} : { code }),
    };
  }
  return { error: typeof error };
}
