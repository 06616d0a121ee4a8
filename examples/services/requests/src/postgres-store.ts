import pg from 'pg';
import { fingerprint, type RequestStore, type ServiceRequest } from './model';

/** The schema, applied at start (idempotent). */
export const MIGRATION = `
CREATE TABLE IF NOT EXISTS service_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  telegram_id bigint NOT NULL,
  category text NOT NULL,
  description text NOT NULL,
  location text NOT NULL,
  urgency text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  decided_by bigint,
  decision_note text,
  idempotency_key text UNIQUE,
  fingerprint text NOT NULL
);
CREATE INDEX IF NOT EXISTS service_requests_telegram_id_idx ON service_requests (telegram_id, id DESC);
CREATE INDEX IF NOT EXISTS service_requests_status_idx ON service_requests (status, id DESC);
`;

interface Row {
  id: string;
  telegram_id: string;
  category: ServiceRequest['category'];
  description: string;
  location: string;
  urgency: ServiceRequest['urgency'];
  status: ServiceRequest['status'];
  created_at: Date;
  updated_at: Date;
  decided_by: string | null;
  decision_note: string | null;
  fingerprint: string;
}

function toRequest(row: Row): ServiceRequest {
  return {
    id: String(row.id),
    telegramId: Number(row.telegram_id),
    category: row.category,
    description: row.description,
    location: row.location,
    urgency: row.urgency,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    decidedBy: row.decided_by === null ? null : Number(row.decided_by),
    decisionNote: row.decision_note,
  };
}

const ID = /^[1-9][0-9]{0,17}$/;

/**
 * A request store in PostgreSQL (`DATABASE_URL`). Creates its table on
 * start; idempotency keys are a UNIQUE column, decisions a conditional
 * UPDATE, so concurrent replicas stay consistent.
 */
export async function createPostgresRequestStore(
  connectionString: string,
  options: { max?: number } = {},
): Promise<RequestStore> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  await pool.query(MIGRATION);
  const columns =
    'id, telegram_id, category, description, location, urgency, status, created_at, updated_at, decided_by, decision_note, fingerprint';
  return {
    async create(input, idempotencyKey) {
      const print = fingerprint(input);
      const inserted = await pool.query<Row>(
        `INSERT INTO service_requests (telegram_id, category, description, location, urgency, idempotency_key, fingerprint)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING ${columns}`,
        [
          input.telegramId,
          input.category,
          input.description,
          input.location,
          input.urgency,
          idempotencyKey ?? null,
          print,
        ],
      );
      if (inserted.rows[0] !== undefined)
        return { kind: 'created', request: toRequest(inserted.rows[0]) };
      const existing = await pool.query<Row>(
        `SELECT ${columns} FROM service_requests WHERE idempotency_key = $1`,
        [idempotencyKey],
      );
      const row = existing.rows[0];
      if (row === undefined || row.fingerprint !== print) return { kind: 'key_conflict' };
      return { kind: 'replayed', request: toRequest(row) };
    },
    async get(id) {
      if (!ID.test(id)) return undefined;
      const result = await pool.query<Row>(
        `SELECT ${columns} FROM service_requests WHERE id = $1`,
        [id],
      );
      return result.rows[0] === undefined ? undefined : toRequest(result.rows[0]);
    },
    async list(query) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (query.telegramId !== undefined) {
        values.push(query.telegramId);
        where.push(`telegram_id = $${values.length}`);
      }
      if (query.status !== undefined) {
        values.push(query.status);
        where.push(`status = $${values.length}`);
      }
      const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
      const total = await pool.query<{ count: string }>(
        `SELECT count(*) FROM service_requests ${clause}`,
        values,
      );
      const page = await pool.query<Row>(
        `SELECT ${columns} FROM service_requests ${clause} ORDER BY id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
        [...values, query.limit, query.offset],
      );
      return { items: page.rows.map(toRequest), total: Number(total.rows[0]?.count ?? 0) };
    },
    async decide(id, decision, by, note) {
      if (!ID.test(id)) return { kind: 'not_found' };
      const updated = await pool.query<Row>(
        `UPDATE service_requests SET status = $2, decided_by = $3, decision_note = $4, updated_at = now()
         WHERE id = $1 AND status = 'pending' RETURNING ${columns}`,
        [id, decision, by, note],
      );
      if (updated.rows[0] !== undefined)
        return { kind: 'decided', request: toRequest(updated.rows[0]) };
      const current = await pool.query<Row>(
        `SELECT ${columns} FROM service_requests WHERE id = $1`,
        [id],
      );
      return current.rows[0] === undefined
        ? { kind: 'not_found' }
        : { kind: 'not_pending', request: toRequest(current.rows[0]) };
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
