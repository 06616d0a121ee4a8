/**
 * Lets the runner force a full garbage collection in an entry process
 * (SIGUSR2), so memory can be compared after GC: what is retained, not what
 * merely has not been collected yet.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The signal the runner sends to collect garbage in a stack. */
export const GC_SIGNAL = 'SIGUSR2';

/** Exposes V8's `gc()` and runs it on every {@link GC_SIGNAL}. */
export function collectGarbageOnSignal(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  process.on(GC_SIGNAL, () => gc());
}
