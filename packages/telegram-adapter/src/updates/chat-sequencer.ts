import { invalidOption } from '@portcullis/core';

/** Runs tasks one at a time per key, in arrival order, with at most `concurrency` keys at once. */
export interface ChatSequencer {
  /** Queues `task` behind the earlier tasks of `key`; resolves or rejects with it. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with queued or running tasks (lanes are removed when they empty). */
  readonly lanes: number;
  /** Tasks running now. */
  readonly active: number;
}

type Task = () => Promise<void>;

/**
 * Creates a per-key sequencer. Keys wait for a free slot in arrival order, so
 * a busy chat cannot starve the others; empty lanes are deleted at once.
 */
export function createChatSequencer(concurrency = 100): ChatSequencer {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw invalidOption('concurrency', 'a positive integer', concurrency);
  const lanes = new Map<string, Task[]>();
  const ready: string[] = [];
  let readyHead = 0;
  let active = 0;

  function dispatch(): void {
    while (active < concurrency && readyHead < ready.length) {
      const key = ready[readyHead++]!;
      if (readyHead > 1024 && readyHead * 2 > ready.length) {
        ready.splice(0, readyHead);
        readyHead = 0;
      }
      const lane = lanes.get(key)!;
      const task = lane.shift()!;
      active++;
      void task().then(() => {
        active--;
        if (lane.length > 0) ready.push(key);
        else lanes.delete(key);
        dispatch();
      });
    }
  }

  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const wrapped: Task = () => task().then(resolve, reject);
        const lane = lanes.get(key);
        if (lane) lane.push(wrapped);
        else {
          lanes.set(key, [wrapped]);
          ready.push(key);
          dispatch();
        }
      });
    },
    get lanes() {
      return lanes.size;
    },
    get active() {
      return active;
    },
  };
}
