import { randomUUID } from 'node:crypto';

/** One shift of one worker. */
export interface Shift {
  readonly id: string;
  readonly telegramId: number;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly location: string;
  readonly role: string;
}

/** Where shifts live. */
export interface ShiftStore {
  add(shift: Omit<Shift, 'id'>): Promise<Shift>;
  /** A worker's shifts overlapping [from, to), earliest first. */
  list(telegramId: number, from: Date, to: Date): Promise<Shift[]>;
}

/** Options for {@link createMemoryShiftStore}. */
export interface MemoryShiftStoreOptions {
  /** Shifts present from the start. @default [] */
  readonly seed?: readonly Omit<Shift, 'id'>[];
  /**
   * Gives a worker with no shifts at all three day shifts starting tomorrow
   * (09:00–17:00 UTC), so the demo has something to show for any user.
   * @default false
   */
  readonly demoSchedule?: boolean;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const LOCATIONS = ['Building A, floor 2', 'Warehouse 3', 'Reception'];

/** A shift store in memory (one process). */
export function createMemoryShiftStore(options: MemoryShiftStoreOptions = {}): ShiftStore {
  const shifts: Shift[] = [];
  const now = options.now ?? (() => new Date());
  const add = async (shift: Omit<Shift, 'id'>): Promise<Shift> => {
    const stored = { id: randomUUID(), ...shift };
    shifts.push(stored);
    return stored;
  };
  for (const shift of options.seed ?? []) void add(shift);
  return {
    add,
    async list(telegramId, from, to) {
      if (options.demoSchedule === true && !shifts.some((s) => s.telegramId === telegramId)) {
        const midnight = Math.floor(now().getTime() / DAY_MS) * DAY_MS;
        LOCATIONS.forEach((location, day) => {
          const start = midnight + (day + 1) * DAY_MS + 9 * 3_600_000;
          void add({
            telegramId,
            startsAt: new Date(start).toISOString(),
            endsAt: new Date(start + 8 * 3_600_000).toISOString(),
            location,
            role: 'Technician',
          });
        });
      }
      return shifts
        .filter(
          (s) =>
            s.telegramId === telegramId &&
            Date.parse(s.endsAt) > from.getTime() &&
            Date.parse(s.startsAt) < to.getTime(),
        )
        .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
    },
  };
}
