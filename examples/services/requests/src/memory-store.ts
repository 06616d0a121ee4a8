import { fingerprint, type RequestStore, type ServiceRequest } from './model';

/** A request store in memory (one process; the default without DATABASE_URL). */
export function createMemoryRequestStore(now: () => Date = () => new Date()): RequestStore {
  const requests = new Map<string, ServiceRequest>();
  const keys = new Map<string, { id: string; fingerprint: string }>();
  let nextId = 1;
  return {
    async create(input, idempotencyKey) {
      if (idempotencyKey !== undefined) {
        const seen = keys.get(idempotencyKey);
        if (seen !== undefined) {
          if (seen.fingerprint !== fingerprint(input)) return { kind: 'key_conflict' };
          return { kind: 'replayed', request: requests.get(seen.id)! };
        }
      }
      const at = now().toISOString();
      const request: ServiceRequest = {
        ...input,
        id: String(nextId++),
        status: 'pending',
        createdAt: at,
        updatedAt: at,
        decidedBy: null,
        decisionNote: null,
      };
      requests.set(request.id, request);
      if (idempotencyKey !== undefined)
        keys.set(idempotencyKey, { id: request.id, fingerprint: fingerprint(input) });
      return { kind: 'created', request };
    },
    get: async (id) => requests.get(id),
    async list(query) {
      const all = [...requests.values()]
        .filter(
          (r) =>
            (query.telegramId === undefined || r.telegramId === query.telegramId) &&
            (query.status === undefined || r.status === query.status),
        )
        .sort((a, b) => Number(b.id) - Number(a.id));
      return { items: all.slice(query.offset, query.offset + query.limit), total: all.length };
    },
    async decide(id, decision, by, note) {
      const request = requests.get(id);
      if (request === undefined) return { kind: 'not_found' };
      if (request.status !== 'pending') return { kind: 'not_pending', request };
      const decided: ServiceRequest = {
        ...request,
        status: decision,
        decidedBy: by,
        decisionNote: note,
        updatedAt: now().toISOString(),
      };
      requests.set(id, decided);
      return { kind: 'decided', request: decided };
    },
    ping: async () => {},
    close: async () => {},
  };
}
