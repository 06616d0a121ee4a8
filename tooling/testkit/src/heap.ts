import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** V8's full garbage collection, exposed once for this process. */
function gc(): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

/**
 * Bytes of heap that `work(subject)` leaves behind while `subject` stays
 * alive: heap used after a full GC, after the work minus before it. For
 * leak tests ("a million writes keep the heap within a few MB"), so compare
 * with a bound well above noise (a few MB), never with zero.
 */
export async function retainedHeapBytes<T>(
  subject: T,
  work: (subject: T) => unknown,
): Promise<number> {
  // Read after the second measurement, so the GC cannot take the subject early.
  const held = [subject];
  gc();
  const before = process.memoryUsage().heapUsed;
  await work(subject);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (held[0] !== subject) throw new Error('unreachable');
  return after - before;
}
