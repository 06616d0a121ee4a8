import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresBinary, startPostgres } from './postgres';

const run = promisify(execFile);

describe('startPostgres', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres({ password: 'test-pass' });
  }, 60_000);
  afterAll(() => server?.stop());

  it('runs a real PostgreSQL on 127.0.0.1 with the database created', async () => {
    expect(server.url).toBe(`postgres://portcullis:test-pass@127.0.0.1:${server.port}/portcullis`);
    await server.query('CREATE TABLE items (id int PRIMARY KEY, name text)');
    await server.query("INSERT INTO items VALUES (1, 'one')");
    expect(await server.query('SELECT name FROM items')).toBe('one');
    expect(await server.query('SHOW server_version_num')).toMatch(/^\d{6}$/);
  });

  it('creates further databases, each with its own URL', async () => {
    const url = await server.createDatabase('second_db');
    expect(url).toBe(`postgres://portcullis:test-pass@127.0.0.1:${server.port}/second_db`);
    await server.query('CREATE TABLE t (x int)', 'second_db');
    expect(await server.query("SELECT count(*) FROM pg_tables WHERE tablename = 't'")).toBe('0');
    await expect(server.createDatabase('Bad; DROP')).rejects.toThrow(TypeError);
  });

  it('requires the password over TCP', async () => {
    const attempt = run(postgresBinary('psql'), ['-X', '-w', '-At', '-c', 'SELECT 1'], {
      env: { ...process.env, ...server.env, PGPASSWORD: 'wrong' },
    });
    await expect(attempt).rejects.toThrow(/password authentication failed/);
  });

  it('writes a pid file that names the server, for leftover cleanup', () => {
    const pid = Number(readFileSync(join(server.dir, `postgres-${server.port}.pid`), 'utf8'));
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain(`postgres-${server.port}`);
  });

  it('stops on stop() and refuses connections afterwards', async () => {
    const other = await startPostgres({ database: 'postgres' });
    expect(other.url).toBe(`postgres://portcullis@127.0.0.1:${other.port}/postgres`);
    await other.stop();
    await expect(other.query('SELECT 1')).rejects.toThrow();
    await other.stop();
  }, 30_000);
});
