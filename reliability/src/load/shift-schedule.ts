/**
 * The demo schedule (three day shifts from tomorrow) computed per call instead
 * of stored: the example memory store keeps three shifts per unseen user and
 * scans them all on every call, so with the load's hundreds of thousands of
 * distinct users the backend, not the system under test, would set the pace.
 */
import type { Shift, ShiftStore } from '../../../examples/services/shifts/src/store';

const DAY_MS = 24 * 60 * 60 * 1000;
const LOCATIONS = ['Building A, floor 2', 'Warehouse 3', 'Reception'];

/** The three shifts of `telegramId` overlapping [from, to), earliest first. */
export function demoShifts(telegramId: number, from: Date, to: Date): Shift[] {
  const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return LOCATIONS.map((location, day) => {
    const start = midnight + (day + 1) * DAY_MS + 9 * 3_600_000;
    return {
      id: `${telegramId}-${day}`,
      telegramId,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 8 * 3_600_000).toISOString(),
      location,
      role: 'Technician',
    };
  }).filter((s) => Date.parse(s.endsAt) > from.getTime() && Date.parse(s.startsAt) < to.getTime());
}

/** A shifts-service store answering {@link demoShifts} in constant time; `add` is not used by the load. */
export function createComputedShiftStore(): ShiftStore {
  return {
    async add(shift) {
      return { id: 'unused', ...shift };
    },
    async list(telegramId, from, to) {
      return demoShifts(telegramId, from, to);
    },
  };
}
