import type { BenchEnvironment, Scenario } from '@loom/bench';
import type { KernelOverhead } from './kernel-overhead.js';
import type { Hop, MatrixCell } from './measure-matrix.js';
import { type MemoryFigures, REST_MS, SHORT_REST_MS } from './memory.js';

/** One target of issue #7 with the measured value. */
export interface TargetCheck {
  name: string;
  measured: number;
  limit: number;
  unit: string;
  /** `max`: measured must be at most the limit; `min`: at least. */
  kind: 'max' | 'min';
  pass: boolean;
}

/** A figure of one hop in one cell, with what it adds over calling the upstream directly. */
export interface HopFigures {
  throughputRps: number;
  p50Ms: number;
  p99Ms: number;
  addedP50Ms: number;
  ttftP50Ms?: number;
  addedTtftP50Ms?: number;
  failed: number;
  /** Throughput of each round, req/s (the figures are from the median round). */
  roundsRps: number[];
  /** CPU of the hop's own process per request, us (for `direct`: the upstream's). */
  cpuUsPerRequest: number;
}

/** The whole suite's figures. */
export interface SuiteReport {
  benchmark: 'gateway-suite';
  description: string;
  environment: BenchEnvironment;
  durationSeconds: number;
  kernelOverhead: KernelOverhead;
  cells: Array<{
    scenario: Scenario;
    concurrency: number;
    hops: Partial<Record<Hop['id'], HopFigures>>;
  }>;
  /** Concurrency 64 with each hop alone on one CPU (see `measurePinned`); absent when skipped. */
  pinned?: SuiteReport['cells'];
  memory: MemoryFigures;
  targets: TargetCheck[];
  pass: boolean;
}

const r3 = (value: number) => Math.round(value * 1000) / 1000;

/** Groups the matrix by cell and works out each hop's additions over `direct`. */
export function figuresOf(cells: MatrixCell[]): SuiteReport['cells'] {
  const out: SuiteReport['cells'] = [];
  for (const cell of cells) {
    let entry = out.find((e) => e.scenario === cell.scenario && e.concurrency === cell.concurrency);
    if (!entry) {
      entry = { scenario: cell.scenario, concurrency: cell.concurrency, hops: {} };
      out.push(entry);
    }
    const direct = cells.find(
      (c) =>
        c.hop === 'direct' && c.scenario === cell.scenario && c.concurrency === cell.concurrency,
    )?.run;
    const run = cell.run;
    const figures: HopFigures = {
      throughputRps: run.throughputRps,
      p50Ms: run.latencyMs.p50,
      p99Ms: run.latencyMs.p99,
      addedP50Ms: r3(run.latencyMs.p50 - (direct?.latencyMs.p50 ?? 0)),
      failed: run.failed,
      roundsRps: cell.roundsRps,
      cpuUsPerRequest: cell.cpuUsPerRequest,
    };
    if (run.ttftMs) {
      figures.ttftP50Ms = run.ttftMs.p50;
      figures.addedTtftP50Ms = r3(run.ttftMs.p50 - (direct?.ttftMs?.p50 ?? 0));
    }
    entry.hops[cell.hop] = figures;
  }
  return out;
}

function check(
  name: string,
  measured: number,
  kind: 'max' | 'min',
  limit: number,
  unit: string,
): TargetCheck {
  const value = r3(measured);
  return {
    name,
    measured: value,
    limit: r3(limit),
    unit,
    kind,
    pass: kind === 'max' ? value <= limit : value >= limit,
  };
}

/** The targets of issue #7, checked against this run. */
export function checkTargets(
  cells: SuiteReport['cells'],
  memory: MemoryFigures,
  kernel: KernelOverhead,
  pinned?: SuiteReport['cells'],
): TargetCheck[] {
  const at = (scenario: Scenario, concurrency: number) =>
    cells.find((c) => c.scenario === scenario && c.concurrency === concurrency)?.hops ?? {};
  const chat64 = at('chat', 64);
  const chat1 = at('chat', 1);
  const stream1 = at('stream', 1);
  const loom64 = chat64.loom?.throughputRps ?? 0;
  return [
    ...pinnedTargets(pinned),
    check('kernel.chat added p50 (in process)', kernel.addedP50Us, 'max', 10, 'us'),
    check('kernel.chat added p99 (in process)', kernel.addedP99Us, 'max', 50, 'us'),
    check(
      'gateway req/s at c=64 / bare proxy req/s',
      loom64 / (chat64.bare?.throughputRps ?? 1),
      'min',
      0.5,
      'x',
    ),
    check(
      'gateway req/s at c=64 / Portkey req/s',
      loom64 / (chat64.portkey?.throughputRps ?? 1),
      'min',
      5,
      'x',
    ),
    check(
      'gateway added p50 at c=1 (limit: 2x the bare proxy)',
      chat1.loom?.addedP50Ms ?? Infinity,
      'max',
      2 * Math.max(0, chat1.bare?.addedP50Ms ?? 0),
      'ms',
    ),
    check(
      'gateway added time to first token p50 at c=1',
      stream1.loom?.addedTtftP50Ms ?? Infinity,
      'max',
      0.5,
      'ms',
    ),
    check(
      'gateway CPU per request, chat c=64 (DESIGN.md goal, not in issue #7)',
      chat64.loom?.cpuUsPerRequest ?? Infinity,
      'max',
      80,
      'us',
    ),
    check('gateway RSS idle', memory.idleMb, 'max', 100, 'MB'),
    check(
      `gateway RSS growth after ${Math.round(memory.requests / 1000)}k requests (settled, ${REST_MS / 1000} s rest)`,
      memory.growthFromIdleMb,
      'max',
      20,
      'MB',
    ),
  ];
}

/** Issue #20's targets, on the pinned cells: the gateway's capacity against the floor's. */
function pinnedTargets(pinned: SuiteReport['cells'] | undefined): TargetCheck[] {
  if (!pinned) return [];
  const hops = (scenario: Scenario) => pinned.find((c) => c.scenario === scenario)?.hops ?? {};
  const ratio = (scenario: Scenario, figure: 'throughputRps' | 'cpuUsPerRequest') =>
    (hops(scenario).loom?.[figure] ?? 0) / (hops(scenario).bare?.[figure] ?? Infinity);
  return [
    check(
      'pinned: streamed req/s at c=64 / bare proxy (issue #20)',
      ratio('stream', 'throughputRps'),
      'min',
      0.7,
      'x',
    ),
    check(
      'pinned: chat req/s at c=64 / bare proxy (issue #20)',
      ratio('chat', 'throughputRps'),
      'min',
      0.75,
      'x',
    ),
    check(
      'pinned: CPU per streamed request / bare proxy (issue #20)',
      ratio('stream', 'cpuUsPerRequest'),
      'max',
      1.5,
      'x',
    ),
    check(
      'pinned: CPU per chat request / bare proxy (issue #20)',
      ratio('chat', 'cpuUsPerRequest'),
      'max',
      1.25,
      'x',
    ),
  ];
}

const HOP_LABELS: Record<Hop['id'], string> = {
  direct: 'direct',
  bare: 'bare proxy',
  loom: 'Loom gateway',
  portkey: 'Portkey 1.15.2',
};

/** How far the floor itself gets against Portkey: a gateway cannot beat the bare proxy. */
function floorNote(report: SuiteReport): string {
  const chat64 = report.cells.find((c) => c.scenario === 'chat' && c.concurrency === 64)?.hops;
  const bare = chat64?.bare?.throughputRps;
  const portkey = chat64?.portkey?.throughputRps;
  if (!bare || !portkey) return '';
  return `In this run the bare proxy (the floor) itself reaches ${(bare / portkey).toFixed(2)}x Portkey at c=64: the load generator, the upstream and the hop share the machine's two cores.`;
}

const fixed = (value: number | undefined, digits = 3) =>
  value === undefined ? '-' : value.toFixed(digits);

/** SUMMARY.md: every figure and the targets with pass / fail. */
export function toSummaryMarkdown(report: SuiteReport): string {
  const env = report.environment;
  const lines = [
    '# Loom benchmark suite',
    '',
    `Generated by \`pnpm bench\` (apps/bench-suite) on ${env.startedAt}: Node ${env.node}, ${env.cores} x ${env.cpu}, ${env.platform} ${env.release}${env.gitSha ? `, git ${env.gitSha.slice(0, 10)}` : ''}; ${report.durationSeconds} s.`,
    'Load generator: @loom/bench (undici Pool, closed loop, each request timed with process.hrtime), short prompt (12 words, max_tokens 16).',
    'Upstream: the testkit simulated OpenAI server (zero latency) in its own process; each proxy in its own process; all over loopback.',
    '',
    '## Targets (issues #7 and #20)',
    '',
    '| target | measured | limit | result |',
    '|---|---|---|---|',
    ...report.targets.map(
      (t) =>
        `| ${t.name} | ${t.measured} ${t.unit} | ${t.kind === 'max' ? '<=' : '>='} ${t.limit} ${t.unit} | ${t.pass ? 'pass' : '**FAIL**'} |`,
    ),
    '',
    floorNote(report),
    '',
    '## Through each hop',
    '',
    'Each figure is from the median round by throughput of each hop (the req/s of every round shown); added = the hop minus direct in the same cell.',
    '',
    'CPU us/req is the CPU time (user + system, from /proc) of the process doing the hop, per request; for direct, the upstream itself.',
    '',
    '| scenario | c | hop | req/s | rounds req/s | p50 ms | p99 ms | added p50 ms | TTFT p50 ms | added TTFT ms | CPU us/req | errors |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const cell of report.cells) {
    for (const [hop, f] of Object.entries(cell.hops) as Array<[Hop['id'], HopFigures]>) {
      lines.push(
        `| ${cell.scenario} | ${cell.concurrency} | ${HOP_LABELS[hop]} | ${f.throughputRps.toFixed(0)} | ${f.roundsRps.join(', ')} | ${fixed(f.p50Ms)} | ${fixed(f.p99Ms)} | ${hop === 'direct' ? '-' : fixed(f.addedP50Ms)} | ${fixed(f.ttftP50Ms)} | ${hop === 'direct' ? '-' : fixed(f.addedTtftP50Ms)} | ${f.cpuUsPerRequest} | ${f.failed} |`,
      );
    }
  }
  if (report.pinned) {
    lines.push(
      '',
      '## Pinned (issue #20)',
      '',
      "Concurrency 64, each hop alone on CPU 0 while the load generator and the upstream run on CPU 1 (`taskset`), 5 rounds, median round by throughput. CPU 0 busy is the hop's CPU time per request times its req/s: below 100 %, the load side (CPU 1) set the pace and CPU per request is the figure to compare.",
      '',
      '| scenario | hop | req/s | rounds req/s | p50 ms | p99 ms | CPU us/req | CPU 0 busy |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const cell of report.pinned) {
      for (const [hop, f] of Object.entries(cell.hops) as Array<[Hop['id'], HopFigures]>) {
        lines.push(
          `| ${cell.scenario} | ${HOP_LABELS[hop]} | ${f.throughputRps.toFixed(0)} | ${f.roundsRps.join(', ')} | ${fixed(f.p50Ms)} | ${fixed(f.p99Ms)} | ${f.cpuUsPerRequest} | ${Math.round((f.cpuUsPerRequest * f.throughputRps) / 1e4)} % |`,
        );
      }
    }
  }
  const k = report.kernelOverhead;
  const m = report.memory;
  lines.push(
    '',
    '## Kernel in process',
    '',
    `\`kernel.chat\` vs the same in-memory provider called directly, ${k.calls} calls each: p50 ${k.directP50Us} us -> ${k.kernelP50Us} us (+${k.addedP50Us} us), p99 ${k.directP99Us} us -> ${k.kernelP99Us} us (+${k.addedP99Us} us).`,
    '',
    '## Gateway memory (a fresh `loom serve` process, VmRSS)',
    '',
    `| idle | after 5k warm-up | after load | after ${SHORT_REST_MS / 1000} s rest | after ${REST_MS / 1000} s rest (settled) | growth from idle (settled) | growth from warm-up (settled) |`,
    '|---|---|---|---|---|---|---|',
    `| ${m.idleMb} MB | ${m.afterWarmupMb} MB | ${m.afterLoadMb} MB | ${m.afterShortRestMb} MB | ${m.settledMb} MB | ${m.growthFromIdleMb} MB | ${m.growthFromWarmupMb} MB |`,
    '',
    `V8 heap reserved (heapTotal): ${m.heapTotalShortRestMb ?? '-'} MB after ${SHORT_REST_MS / 1000} s, ${m.heapTotalSettledMb ?? '-'} MB after ${REST_MS / 1000} s. ${
      m.returnedAfterS === undefined
        ? 'RSS did not fall by half of the growth during the rest.'
        : `V8's memory reducer gave back most of the growth ${m.returnedAfterS} s after the load ended; until then the process holds ${(m.afterLoadMb - m.idleMb).toFixed(1)} MB more than idle.`
    }`,
    '',
    `Load: ${m.requests} chat requests at concurrency ${m.concurrency} (${m.failed} failed).`,
    '',
  );
  return lines.join('\n');
}
