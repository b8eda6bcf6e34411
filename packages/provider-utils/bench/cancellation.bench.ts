// What cancelling one upstream call costs when nothing cancels it (the common case), measured the
// way undici uses a request's `signal`: one `abort` listener added, then removed when the answer
// is in. An AbortSignal (what a provider that reads `context.signal` hands undici) against the
// kernel's `Cancellation` behind an event emitter (`callCancel` + `undiciSignal`), which is why
// Loom's HTTP providers never read `signal`. Writes bench/results/provider-utils-cancellation.json.
import type { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cancellation } from '@loom/core';
import { undiciSignal } from '../src/index.js';

const CALLS = 200_000;
const ROUNDS = 7;
const gc = (globalThis as { gc?: () => void }).gc;
const listener = () => {};

const variants: Record<string, () => void> = {
  'AbortSignal, one listener added and removed': () => {
    const signal = new AbortController().signal;
    signal.addEventListener('abort', listener);
    signal.removeEventListener('abort', listener);
  },
  'Cancellation behind an event emitter': () => {
    const emitter = undiciSignal(new Cancellation()) as EventEmitter;
    emitter.addListener('abort', listener);
    emitter.removeListener('abort', listener);
  },
};

function measure(run: () => void): { nsPerCall: number; bytesPerCall: number } {
  for (let index = 0; index < CALLS; index += 1) run();
  const times: number[] = [];
  const bytes: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = process.hrtime.bigint();
    for (let index = 0; index < CALLS; index += 1) run();
    times.push(Number(process.hrtime.bigint() - started) / CALLS);
    bytes.push((process.memoryUsage().heapUsed - heapBefore) / CALLS);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0;
  return { nsPerCall: Math.round(median(times)), bytesPerCall: Math.round(median(bytes)) };
}

const results = Object.entries(variants).map(([variant, run]) => ({ variant, ...measure(run) }));
console.table(results);
const here = dirname(fileURLToPath(import.meta.url));
const output = resolve(here, '../../../bench/results/provider-utils-cancellation.json');
mkdirSync(dirname(output), { recursive: true });
writeFileSync(
  output,
  `${JSON.stringify(
    {
      benchmark: 'provider-utils-cancellation',
      calls: CALLS,
      rounds: ROUNDS,
      gcExposed: gc !== undefined,
      results,
      environment: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${output}`);
