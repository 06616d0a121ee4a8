import { describe, expect, it } from 'vitest';
import { createChatSequencer } from './chat-sequencer';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('chat sequencer', () => {
  it('runs one chat’s tasks one at a time in arrival order', async () => {
    const sequencer = createChatSequencer(10);
    const log: string[] = [];
    const release: (() => void)[] = [];
    const task = (name: string) => () =>
      new Promise<void>((resolve) => {
        log.push(`start ${name}`);
        release.push(() => {
          log.push(`end ${name}`);
          resolve();
        });
      });
    const done = [sequencer.run('a', task('1')), sequencer.run('a', task('2'))];
    await tick();
    expect(log).toEqual(['start 1']);
    release.shift()!();
    await tick();
    release.shift()!();
    await Promise.all(done);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('runs different chats concurrently up to the global limit', async () => {
    const sequencer = createChatSequencer(2);
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
    };
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => sequencer.run(key, task)));
    expect(peak).toBe(2);
  });

  it('deletes a chat lane as soon as it empties, so lanes do not grow without bound', async () => {
    const sequencer = createChatSequencer(4);
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => sequencer.run(`chat${i}`, async () => {})),
    );
    expect(sequencer.lanes).toBe(0);
    expect(sequencer.active).toBe(0);
  });

  it('passes a task’s rejection to its caller and goes on with the chat', async () => {
    const sequencer = createChatSequencer(1);
    const failed = sequencer.run('a', async () => {
      throw new Error('boom');
    });
    const next = sequencer.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
