import { type ChildProcess, execFile } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MissingBinaryError } from './binaries';
import { freePort } from './ports';
import { serviceDir, spawnService } from './processes';

const run = promisify(execFile);

/** Options for {@link startPostgres}. */
export interface PostgresServerOptions {
  /** Port to listen on (127.0.0.1 only). @default a free port */
  readonly port?: number;
  /** The superuser created by initdb. @default 'portcullis' */
  readonly user?: string;
  /** The superuser's password; TCP logins then need it (scram-sha-256). @default none (trust) */
  readonly password?: string;
  /** A database created after start. @default 'portcullis' */
  readonly database?: string;
  /** How long to wait for the server to accept connections. @default 30000 */
  readonly startTimeoutMs?: number;
}

/** A running PostgreSQL server on 127.0.0.1. */
export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
  /** `postgres://user[:password]@127.0.0.1:PORT/database`. */
  readonly url: string;
  /** The folder holding the data directory and the socket. */
  readonly dir: string;
  /** Environment for libpq programs (`psql`, `pg_dump`): PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE. */
  readonly env: Readonly<Record<string, string>>;
  /** Creates another database (a fresh one per test keeps tests apart) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL with `psql` and returns its unaligned, tuples-only output. */
  query(sql: string, database?: string): Promise<string>;
  /** Fast shutdown (SIGINT), SIGKILL after 5 s, then removes {@link PostgresServer.dir}. Safe to call twice. */
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL server binary directory (Debian: /usr/lib/postgresql/N/bin). */
function postgresBinDir(): string {
  const candidates: string[] = [];
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(join('/usr/lib/postgresql', version, 'bin'));
  } catch {
    // not Debian-style; fall back to PATH below
  }
  for (const dir of [...candidates, ...(process.env.PATH ?? '').split(':')]) {
    try {
      accessSync(join(dir, 'initdb'), constants.X_OK);
      accessSync(join(dir, 'postgres'), constants.X_OK);
      return dir;
    } catch {
      // keep looking
    }
  }
  throw new MissingBinaryError('initdb');
}

/** The path of a PostgreSQL program (`pg_dump`, `psql`, `initdb`…) of the newest installed version. */
export function postgresBinary(name: string): string {
  return join(postgresBinDir(), name);
}

/** PostgreSQL refuses to run as root: when we are root, run it as the `postgres` system user. */
function dropPrivileges(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:') || entry.startsWith('nobody:'));
  const fields = line?.split(':');
  if (fields === undefined)
    throw new Error(
      'Running as root but found no `postgres` or `nobody` user to run PostgreSQL as',
    );
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function asUser(
  ids: { uid: number; gid: number } | undefined,
  binary: string,
  args: string[],
): [string, string[]] {
  if (ids === undefined) return [binary, args];
  // setpriv execs the program (no extra process), so the child's pid is the server's pid.
  return [
    'setpriv',
    [`--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups', binary, ...args],
  ];
}

/**
 * Starts a private PostgreSQL cluster (initdb in a temp folder, `postgres` on
 * 127.0.0.1, fsync off) and creates a database. As root it runs as the
 * `postgres` system user. The process dies with the test process; call
 * `stop()` in `afterAll` to end it earlier.
 *
 * @example
 * ```ts
 * const pg = await startPostgres({ password: 's3cret' });
 * const client = new pg.Client({ connectionString: server.url });
 * afterAll(() => pg.stop());
 * ```
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const port = options.port ?? (await freePort());
  const user = options.user ?? 'portcullis';
  const database = options.database ?? 'portcullis';
  const password = options.password;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  // The folder name (postgres-PORT-…) appears in the server's command line, which is
  // how killLeftoverServices() recognises the pid file `postgres-PORT.pid`.
  const dir = serviceDir(`postgres-${port}`);
  const data = join(dir, 'data');
  const ids = dropPrivileges();
  if (ids !== undefined) chownSync(dir, ids.uid, ids.gid);

  const initArgs = [
    '-D',
    data,
    '-U',
    user,
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
    '--auth-local=trust',
  ];
  if (password === undefined) initArgs.push('--auth-host=trust');
  else {
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (ids !== undefined) chownSync(pwfile, ids.uid, ids.gid);
    initArgs.push('--auth-host=scram-sha-256', `--pwfile=${pwfile}`);
  }
  const [initCmd, initFullArgs] = asUser(ids, join(bin, 'initdb'), initArgs);
  await run(initCmd, initFullArgs, { cwd: dir, env: { ...process.env, LC_ALL: 'C' } });

  const serverArgs = [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=50',
  ];
  const [cmd, args] = asUser(ids, join(bin, 'postgres'), serverArgs);
  const child: ChildProcess = spawnService(cmd, args, {
    cwd: dir,
    env: { ...process.env, LC_ALL: 'C' },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (child.pid !== undefined) writeFileSync(join(dir, `postgres-${port}.pid`), String(child.pid));

  const env: Record<string, string> = {
    PGHOST: '127.0.0.1',
    PGPORT: String(port),
    PGUSER: user,
    PGDATABASE: database,
    ...(password === undefined ? {} : { PGPASSWORD: password }),
  };
  const query = async (sql: string, db = database): Promise<string> => {
    const { stdout } = await run(
      join(bin, 'psql'),
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-d', db, '-c', sql],
      { env: { ...process.env, ...env } },
    );
    return stdout.trim();
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`postgres exited with ${child.exitCode}: ${output}`);
    try {
      await query('SELECT 1', 'postgres');
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `postgres on 127.0.0.1:${port} did not start within ${startTimeoutMs} ms: ${output || (error as Error).message}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (database !== 'postgres')
    await query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`, 'postgres');

  const auth = password === undefined ? user : `${user}:${encodeURIComponent(password)}`;
  const urlOf = (db: string) => `postgres://${auth}@127.0.0.1:${port}/${db}`;
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    url: urlOf(database),
    dir,
    env,
    query,
    createDatabase: async (name) => {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
        throw new TypeError(
          `Expected a lower-case SQL identifier as database name, got ${JSON.stringify(name)}`,
        );
      }
      await query(`CREATE DATABASE ${name}`, 'postgres');
      return urlOf(name);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for clients to leave.
        child.kill('SIGINT');
      }),
  };
}
