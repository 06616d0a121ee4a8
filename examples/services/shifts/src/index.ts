/** shifts-service of the reference gateway. @module */
export type { ShiftsServiceOptions } from './app';
export { createShiftsService } from './app';
export type { MemoryShiftStoreOptions, Shift, ShiftStore } from './store';
export { createMemoryShiftStore } from './store';
