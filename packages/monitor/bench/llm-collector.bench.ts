// LLM collector benchmark: process CPU time and bytes allocated per request lifecycle (the events
// one request fires), through the collector alone: listeners called directly, metrics discarded.
// Run with `node --expose-gc --import tsx bench/llm-collector.bench.ts [collector module]`; the
// optional argument is a path to another copy of `llm-collector.ts`, to compare two versions.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import type {
  CollectorContext,
  Deployment,
  KernelEventSource,
  KernelEvents,
  Metric,
  MetricCollectorV1,
} from '@loom/core';

type Listener = (payload: never) => void;
type Lifecycle = readonly [keyof KernelEvents, unknown][];
type Fire = (lifecycle: Lifecycle) => void;

const modulePath = process.argv[2] ?? '../src/collectors/llm-collector.ts';
const moduleUrl = modulePath.startsWith('..')
  ? new URL(modulePath, import.meta.url).href
  : pathToFileURL(resolve(modulePath)).href;
const { createLlmCollector } = (await import(moduleUrl)) as {
  createLlmCollector: () => MetricCollectorV1;
};

const gc = (globalThis as { gc?: () => void }).gc;
const SLOTS = 1_024;
const ROUNDS = 7;
const REQUESTS = 200_000;
const deployments: Deployment[] = ['openai/gpt-4o', 'openai/gpt-4o-mini', 'ollama/llama3.1:8b'].map(
  (id) => ({ id, providerId: id.split('/')[0]!, model: id.split('/')[1]! }),
);
const usage = { inputTokens: 120, outputTokens: 48, totalTokens: 168, estimated: false };
const failure = Object.assign(new Error('upstream 503'), {
  code: 'server_error',
  isRetryable: true,
});

// CPU time rather than wall time: the machine is shared, and waiting for a core is not our cost.
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** A started collector and a function that fires one lifecycle's events at its listeners. */
function startCollector(): { fire: Fire; points: () => number } {
  const listeners = new Map<string, Listener>();
  let points = 0;
  const events = {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    once: () => undefined,
    off: (event: string) => listeners.delete(event),
  } as unknown as KernelEventSource;
  const context: CollectorContext = {
    emit: (metrics: Metric | readonly Metric[]) => {
      points += Array.isArray(metrics) ? metrics.length : 1;
    },
    events,
    now: () => Date.now(),
  };
  void createLlmCollector().start(context);
  const fire: Fire = (lifecycle) => {
    for (const [event, payload] of lifecycle) listeners.get(event)?.(payload as never);
  };
  return { fire, points: () => points };
}

/** The events of one request: `kind` picks a chat, a stream, or a chat that falls back. */
function lifecycle(kind: 'chat' | 'stream' | 'fallback', slot: number) {
  const requestId = `req-${kind}-${slot}`;
  const operation = kind === 'stream' ? 'stream' : 'chat';
  const deployment = deployments[slot % 2]!;
  const timestamp = 1_767_225_600_000 + slot;
  const base = { requestId, operation, timestamp, attempt: 1, deployment } as const;
  const events: [keyof KernelEvents, unknown][] = [['attempt:start', base]];
  let served = deployment;
  if (kind === 'fallback') {
    served = deployments[2]!;
    events.push(
      ['attempt:error', { ...base, durationMs: 40, error: failure }],
      ['attempt:start', { ...base, attempt: 2, deployment: served }],
    );
  }
  const attempt = { ...base, attempt: kind === 'fallback' ? 2 : 1, deployment: served };
  const ttfc = kind === 'stream' ? { timeToFirstChunkMs: 180 } : {};
  const cost = { costMicros: 1_320, unpriced: false, inputTokens: 120, outputTokens: 48 };
  events.push(
    ['attempt:end', { ...attempt, durationMs: 900, usage, finishReason: 'stop', ...ttfc }],
    ['cost:recorded', { ...attempt, ...cost, estimated: false }],
    [
      'request:end',
      {
        requestId,
        operation,
        timestamp,
        model: 'chat',
        outcome: 'success',
        durationMs: 950,
        attempts: attempt.attempt,
        deployment: served,
        usage,
      },
    ],
  );
  return events;
}

interface Result {
  median: number;
  fastest: number;
  bytes: number | undefined;
}

function newSpaceUsed(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!
    .space_used_size;
}

// Heap growth over a few requests after a collection (median of several tries, as a scavenge in
// between spoils one): allocation is most of the cost.
function bytesPerRequest(fire: Fire, slots: readonly Lifecycle[]): number | undefined {
  if (!gc) return undefined;
  const tries: number[] = [];
  for (let attempt = 0; attempt < 9; attempt++) {
    gc();
    const before = newSpaceUsed();
    for (let index = 0; index < 256; index++) fire(slots[index]!);
    tries.push((newSpaceUsed() - before) / 256);
  }
  return Math.round(tries.sort((a, b) => a - b)[4]!);
}

function run(kind: 'chat' | 'stream' | 'fallback'): Result {
  const { fire, points } = startCollector();
  const slots = Array.from({ length: SLOTS }, (_, slot) => lifecycle(kind, slot));
  for (let index = 0; index < 50_000; index++) fire(slots[index % SLOTS]!);
  const bytes = bytesPerRequest(fire, slots);
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    gc?.();
    const began = cpuMicros();
    for (let index = 0; index < REQUESTS; index++) fire(slots[index % SLOTS]!);
    samples.push(((cpuMicros() - began) * 1_000) / REQUESTS);
  }
  samples.sort((a, b) => a - b);
  if (points() === 0) throw new Error('the collector emitted nothing');
  return { median: Math.round(samples[ROUNDS >> 1]!), fastest: Math.round(samples[0]!), bytes };
}

// Baseline: the same loop firing at listeners that do nothing, to subtract the harness.
function harness(): number {
  const noop: Fire = (lifecycle) => {
    for (const [, payload] of lifecycle) if (payload === undefined) throw new Error('no payload');
  };
  const slots = Array.from({ length: SLOTS }, (_, slot) => lifecycle('stream', slot));
  const began = cpuMicros();
  for (let index = 0; index < REQUESTS; index++) noop(slots[index % SLOTS]!);
  return Math.round(((cpuMicros() - began) * 1_000) / REQUESTS);
}

const results = { chat: run('chat'), stream: run('stream'), fallback: run('fallback') };
console.log(`llm collector (${modulePath}), median of ${ROUNDS} rounds x ${REQUESTS} requests`);
console.log(`  harness alone: ${harness()} ns/request`);
for (const [kind, result] of Object.entries(results)) {
  const median = String(result.median).padStart(5);
  const bytes = result.bytes === undefined ? '' : `, ${result.bytes} bytes/request allocated`;
  console.log(`  ${kind.padEnd(8)} ${median} ns/request (fastest round ${result.fastest}${bytes})`);
}
