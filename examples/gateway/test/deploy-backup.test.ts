import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type PostgresServer, postgresBinary, startPostgres } from '@portcullis/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GATEWAY_DIR } from './edge';

const run = promisify(execFile);
const DAY_MS = 24 * 60 * 60 * 1000;

let pg: PostgresServer;
let backupDir: string;

beforeAll(async () => {
  pg = await startPostgres({ password: 'backup-test-pass', database: 'portcullis' });
}, 60_000);
afterAll(() => pg?.stop());
beforeEach(() => {
  if (backupDir) rmSync(backupDir, { recursive: true, force: true });
  backupDir = mkdtempSync(join(tmpdir(), 'portcullis-backups-'));
});
afterAll(() => rmSync(backupDir, { recursive: true, force: true }));

function script(
  name: 'backup.sh' | 'restore.sh',
  args: string[] = [],
  env: Record<string, string> = {},
) {
  return run('bash', [join(GATEWAY_DIR, 'scripts', name), ...args], {
    env: {
      PATH: process.env.PATH,
      ...pg.env,
      BACKUP_DIR: backupDir,
      PG_DUMP: postgresBinary('pg_dump'),
      PG_RESTORE: postgresBinary('pg_restore'),
      ...env,
    },
  });
}

const dumps = () =>
  readdirSync(backupDir)
    .filter((name) => name.endsWith('.dump'))
    .sort();

describe('backup.sh and restore.sh against a real PostgreSQL', () => {
  it('round-trips data: backup, damage the database, restore', async () => {
    await pg.query(`DROP TABLE IF EXISTS requests;
      CREATE TABLE requests (id serial PRIMARY KEY, description text NOT NULL, created_at timestamptz NOT NULL);
      INSERT INTO requests (description, created_at) VALUES
        ('Leaking tap in room 4', '2026-01-01T10:00:00Z'),
        ('Лампа не горит — "O''Brien"', '2026-01-02T11:30:00Z');`);
    const before = await pg.query('SELECT id, description, created_at FROM requests ORDER BY id');

    const { stdout } = await script('backup.sh');
    expect(stdout).toMatch(/backup: wrote .*portcullis-\d{8}T\d{6}Z\.dump \(\d+ bytes\)/);
    const [dump] = dumps();
    expect(dump).toBeDefined();
    expect(existsSync(join(backupDir, `${dump}.sha256`))).toBe(true);

    await pg.query(
      "DELETE FROM requests; INSERT INTO requests (description, created_at) VALUES ('junk', now())",
    );
    await script('restore.sh', ['--yes', 'latest']);
    expect(await pg.query('SELECT id, description, created_at FROM requests ORDER BY id')).toBe(
      before,
    );
    // the sequence came back too: the next id continues after the restored rows
    expect(
      await pg.query(
        "INSERT INTO requests (description, created_at) VALUES ('next', now()) RETURNING id",
      ),
    ).toBe('3');
  });

  it("prunes this database's dumps older than the retention and keeps the rest", async () => {
    const old = join(backupDir, 'portcullis-20200101T000000Z.dump');
    const oldSum = `${old}.sha256`;
    const recent = join(backupDir, 'portcullis-20200102T000000Z.dump');
    const otherDatabase = join(backupDir, 'billing-20200101T000000Z.dump');
    for (const file of [old, oldSum, recent, otherDatabase]) writeFileSync(file, 'x');
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS);
    utimesSync(old, at(8), at(8));
    utimesSync(oldSum, at(8), at(8));
    utimesSync(recent, at(6), at(6));
    utimesSync(otherDatabase, at(30), at(30));

    const { stdout } = await script('backup.sh');
    expect(stdout).toContain(`backup: pruned ${old}`);
    const left = readdirSync(backupDir).sort();
    expect(left).not.toContain('portcullis-20200101T000000Z.dump');
    expect(left).not.toContain('portcullis-20200101T000000Z.dump.sha256');
    expect(left).toContain('portcullis-20200102T000000Z.dump');
    expect(left).toContain('billing-20200101T000000Z.dump');
    expect(dumps().filter((name) => name.startsWith('portcullis-'))).toHaveLength(2);
  });

  it('honours RETENTION_DAYS and rejects a bad value', async () => {
    const old = join(backupDir, 'portcullis-20200101T000000Z.dump');
    writeFileSync(old, 'x');
    utimesSync(old, new Date(Date.now() - 2 * DAY_MS), new Date(Date.now() - 2 * DAY_MS));
    await script('backup.sh', [], { RETENTION_DAYS: '1' });
    expect(existsSync(old)).toBe(false);
    await expect(script('backup.sh', [], { RETENTION_DAYS: '0' })).rejects.toThrow(
      /RETENTION_DAYS must be a positive integer/,
    );
  });

  it('fails without leaving a dump when the database is unreachable', async () => {
    await expect(script('backup.sh', [], { PGPASSWORD: 'wrong' })).rejects.toThrow(
      /password authentication failed/,
    );
    expect(readdirSync(backupDir)).toEqual([]);
  });

  it('restores only with --yes and refuses a dump whose checksum does not match', async () => {
    await pg.query(
      "DROP TABLE IF EXISTS notes; CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')",
    );
    await script('backup.sh');
    const [dump] = dumps();
    const file = join(backupDir, dump!);
    await pg.query("INSERT INTO notes VALUES ('added later')");

    await expect(script('restore.sh', [file])).rejects.toThrow(/run again with --yes/);
    expect(await pg.query('SELECT count(*) FROM notes')).toBe('2');

    writeFileSync(file, 'tampered');
    await expect(script('restore.sh', ['--yes', file])).rejects.toThrow(
      /checksum .* does not match/,
    );
    expect(await pg.query('SELECT count(*) FROM notes')).toBe('2');
  });
});
