// What the admission estimate costs per request: the old characters / 3 estimate, the UTF-8 byte
// bound admission now reserves by default, and the o200k / cl100k tokenizers it counts with near a
// limit, on English and CJK prompts of three sizes; plus what loading each encoding costs once.
// Results: bench/results/cost-estimate.json at the repository root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatRequest, Deployment, PluginApi, RequestContext, RequestHooks } from '@loom/core';
import {
  countInputTokens,
  inputTokenBound,
  requestCharacters,
  requestItems,
} from '../src/budgets/estimate-tokens.js';
import { type EncodingName, importEncoding, type TokenCounter } from '../src/budgets/tokenizers.js';
import { costPlugin } from '../src/index.js';

const round = (value: number) => Math.round(value * 1000) / 1000;
const ENGLISH =
  'Please summarise the following meeting notes and list the action items with owners and due dates. ';
const CJK = '我们需要在下周之前完成这个项目的所有测试工作并且提交报告给经理审核。';
const SIZES = [100, 1_000, 10_000];

function prompt(base: string, characters: number): ChatRequest {
  const text = base.repeat(Math.ceil(characters / base.length)).slice(0, characters);
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: text },
    ],
  };
}

/** Median microseconds per call over five rounds, each long enough to be timed. */
function microseconds(run: () => number, characters: number): number {
  const calls = Math.max(20, Math.round(2_000_000 / characters));
  let sink = 0;
  for (let index = 0; index < calls; index += 1) sink += run();
  const rounds: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const start = process.hrtime.bigint();
    for (let index = 0; index < calls; index += 1) sink += run();
    rounds.push(Number(process.hrtime.bigint() - start) / calls / 1000);
  }
  if (sink < 0) console.log(sink);
  return rounds.sort((a, b) => a - b)[2] ?? 0;
}

async function loadCost(encoding: EncodingName) {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const counter = await importEncoding(encoding);
  const loadMs = performance.now() - start;
  const firstStart = performance.now();
  counter(CJK + ENGLISH);
  const firstCountMs = performance.now() - firstStart;
  globalThis.gc?.();
  const rssMB = (process.memoryUsage().rss - before) / 1e6;
  return {
    counter,
    load: { loadMs: round(loadMs), firstCountMs: round(firstCountMs), rssMB: round(rssMB) },
  };
}

// Loaded first, one after the other, so each RSS growth is its own.
const o200k = await loadCost('o200k_base');
const cl100k = await loadCost('cl100k_base');
const counters: Record<string, TokenCounter> = { o200k: o200k.counter, cl100k: cl100k.counter };

const rows: Record<string, Record<string, number>> = {};
for (const [language, base] of [
  ['english', ENGLISH],
  ['cjk', CJK],
] as const) {
  for (const characters of SIZES) {
    const request = prompt(base, characters);
    const row: Record<string, number> = {
      inputTokensOld: Math.ceil(requestCharacters(request) / 3) + 8 * requestItems(request),
      inputTokensBytes: inputTokenBound(request),
      inputTokensO200k: countInputTokens(request, counters.o200k as TokenCounter),
      oldUs: microseconds(
        () => Math.ceil(requestCharacters(request) / 3) + 8 * requestItems(request),
        characters,
      ),
      bytesUs: microseconds(() => inputTokenBound(request), characters),
    };
    for (const [name, counter] of Object.entries(counters)) {
      row[`${name}Us`] = microseconds(() => countInputTokens(request, counter), characters);
    }
    for (const key of Object.keys(row)) row[key] = round(row[key] ?? 0);
    rows[`${language} ${characters}`] = row;
  }
}

const deployment: Deployment = {
  id: 'openai/gpt-4o-mini',
  providerId: 'openai',
  model: 'gpt-4o-mini',
};
const usage = { inputTokens: 20, outputTokens: 50, totalTokens: 70, estimated: false };

/**
 * Admission and reconciliation through the plugin's hooks, p50 in microseconds. A limit of $1e9
 * keeps the byte bound; one of $0.01 makes the prompt's input a sizeable share, so it is counted
 * (nothing is spent here: the fake kernel reports no attempts).
 */
async function admission(request: ChatRequest, limitUsd: number, samples = 5_000) {
  const plugin = costPlugin({ budgets: [{ name: 'global', limitUsd, action: 'block' }] });
  let hooks: RequestHooks = {};
  const api = {
    coreVersion: '0.1.0',
    providers: new Map([['openai', { type: 'openai' }]]),
    addHooks: (added: RequestHooks) => {
      hooks = added;
    },
    registerCollector() {},
    events: { on() {}, off() {}, once() {} },
    emit() {},
    alert() {},
    now: () => Date.now(),
  } as unknown as PluginApi;
  await plugin.setup(api);
  const times = new Float64Array(samples);
  for (let index = -500; index < samples; index += 1) {
    const context = {
      requestId: `r${index}`,
      operation: 'chat',
      request: { ...request, maxTokens: 256 },
      signal: new AbortController().signal,
      startedAt: 0,
      candidates: [deployment],
      narrow() {},
      narrowedBy: [],
      attempts: [],
      state: new Map(),
    } as unknown as RequestContext;
    const start = performance.now();
    await hooks.beforeRequest?.(context);
    await hooks.afterResponse?.(context, { deployment, usage });
    if (index >= 0) times[index] = performance.now() - start;
  }
  await plugin.teardown?.();
  times.sort();
  return round((times[Math.floor(samples / 2)] ?? 0) * 1000);
}

const admissionUs: Record<string, Record<string, number>> = {};
for (const [language, base] of [
  ['english', ENGLISH],
  ['cjk', CJK],
] as const) {
  const request = prompt(base, 1_000);
  admissionUs[`${language} 1000`] = {
    bytesP50Us: await admission(request, 1e9),
    countedP50Us: await admission(request, 0.01),
  };
}

const results = {
  benchmark: 'cost-estimate',
  perRequest: rows,
  admissionAndReconcile: admissionUs,
  encodingLoad: { o200k_base: o200k.load, cl100k_base: cl100k.load },
  environment: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
};
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/cost-estimate.json'),
  `${JSON.stringify(results, null, 2)}\n`,
);
console.table(rows);
console.table(admissionUs);
console.table(results.encodingLoad);
