/**
 * Waits (real time, bounded) until `condition` holds — for waiting on I/O in
 * tests, never for waiting on timers (use the test clock for those).
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  message = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
