import diagnosticsChannel from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { CHANNELS, publish } from '@portcullis/core';
import type { BenchSuite } from '../harness';

const emitter = new EventEmitter();
const rawChannel = diagnosticsChannel.channel('bench:raw');
let sink = 0;

/**
 * DESIGN.md promises that publishing instrumentation costs next to nothing
 * when nobody subscribes. Compared here: core's `publish()` with a lazy
 * payload, a raw diagnostics channel guarded by `hasSubscribers`, and an
 * EventEmitter `emit` with no listener (what most libraries do).
 */
export const instrumentationPublish: BenchSuite = {
  title: 'Instrumentation publish with no subscriber',
  reference: 'plain function call',
  note: 'Goal: `publish()` with nobody listening within 2x of a plain function call.',
  cases: [
    {
      name: 'plain function call',
      fn: () => {
        sink += record(1);
      },
    },
    {
      name: 'core publish() lazy payload',
      fn: () => publish(CHANNELS.business, () => ({ name: 'request_created' })),
    },
    {
      name: 'raw diagnostics_channel',
      fn: () => {
        if (rawChannel.hasSubscribers) rawChannel.publish({ name: 'request_created' });
      },
    },
    { name: 'EventEmitter.emit', fn: () => emitter.emit('business', { name: 'request_created' }) },
  ],
};

function record(value: number): number {
  return value;
}

export function sinkValue(): number {
  return sink;
}
