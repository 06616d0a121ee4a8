import { readServiceConfig, runService } from '@portcullis/example-service-kit';
import { createShiftsService } from './app';
import { createMemoryShiftStore } from './store';

const config = readServiceConfig('shifts');
// SHIFTS_DEMO_SCHEDULE=true gives every worker three upcoming shifts (demo mode).
const demoSchedule = process.env.SHIFTS_DEMO_SCHEDULE === 'true';
await runService(
  createShiftsService({
    keys: config.keys,
    audience: config.audience,
    store: createMemoryShiftStore({ demoSchedule }),
  }),
  config,
);
