// The repository's benchmark suite (`pnpm bench`): Loom's gateway against calling the simulated
// upstream directly, a bare undici proxy (the floor) and Portkey's gateway (the peer), all in
// one run so every figure is a ratio of numbers taken together. Writes
// bench/results/gateway-suite.json and bench/results/SUMMARY.md at the repository root.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEnvironment } from '@loom/bench';
import { measureKernelOverhead } from './kernel-overhead.js';
import { type Hop, measureMatrix } from './measure-matrix.js';
import { measureMemory } from './memory.js';
import { measurePinned } from './pinned.js';
import type { Child } from './processes.js';
import {
  paths,
  portkeyHeaders,
  startBareProxy,
  startLoomGateway,
  startPortkey,
  startUpstream,
} from './start-targets.js';
import { checkTargets, figuresOf, type SuiteReport, toSummaryMarkdown } from './summary.js';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { root } = paths(appDir);
// LOOM_SUITE_QUICK=1 shortens every run (for checking the suite itself, not for numbers).
const quick = process.env.LOOM_SUITE_QUICK === '1';
const MEMORY_REQUESTS = quick ? 10_000 : 100_000;
// LOOM_SUITE_PROFILE=<dir> writes a V8 CPU profile of the gateway during the matrix there.
const profileDir = process.env.LOOM_SUITE_PROFILE;
const log = (line: string) => process.stdout.write(`${line}\n`);
const pidOf = (child: Child) => child.process.pid ?? 0;

async function main(): Promise<void> {
  const startedAt = new Date();
  const clock = performance.now();
  const configDir = await mkdtemp(join(tmpdir(), 'loom-suite-'));
  const children: Child[] = [];
  const keep = <T extends Child>(child: T) => {
    children.push(child);
    return child;
  };
  try {
    log('(a) kernel in-process overhead...');
    const kernelOverhead = await measureKernelOverhead(quick ? 5_000 : 30_000);
    log(
      `    kernel.chat added p50 ${kernelOverhead.addedP50Us} us, p99 ${kernelOverhead.addedP99Us} us`,
    );

    const upstream = keep(await startUpstream(appDir));
    const bare = keep(await startBareProxy(appDir, upstream.url));
    const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [];
    const loom = keep(await startLoomGateway(appDir, upstream.url, configDir, profileArgs));
    const portkey = keep(await startPortkey(appDir));
    log(
      `upstream ${upstream.url}, bare proxy ${bare.url}, loom ${loom.url}, portkey ${portkey.url}`,
    );

    const hops: Hop[] = [
      { id: 'direct', label: 'direct', baseURL: `${upstream.url}/v1`, pid: pidOf(upstream) },
      { id: 'bare', label: 'bare proxy', baseURL: `${bare.url}/v1`, pid: pidOf(bare) },
      { id: 'loom', label: 'loom gateway', baseURL: `${loom.url}/v1`, pid: pidOf(loom) },
      {
        id: 'portkey',
        label: 'portkey',
        baseURL: `${portkey.url}/v1`,
        headers: portkeyHeaders(upstream.url),
        pid: pidOf(portkey),
      },
    ];
    log('(b, c) chat and stream at concurrency 1, 16, 64 through each hop...');
    const matrix = await measureMatrix(
      hops,
      {
        scenarios: ['chat', 'stream'],
        concurrency: [1, 16, 64],
        requests: (c) => (quick ? 300 : c === 1 ? 2_000 : 8_000),
        warmup: (c) => (quick ? 50 : c === 1 ? 300 : 1_000),
        maxDurationMs: quick ? 500 : 1_500,
        // The targets read concurrency 1 and 64: five rounds each, so one noisy 1.5 s round on a
        // shared machine moves the median less. Concurrency 1 is the most sensitive, and cheap.
        rounds: (c) => (quick ? 1 : c === 16 ? 3 : 5),
        prime: quick ? 200 : 4_000,
      },
      log,
    );
    log(
      '(e) pinned: the bare proxy and the gateway each alone on CPU 0, load and upstream on CPU 1...',
    );
    const pinnedCells = await measurePinned(
      hops.filter((hop) => hop.id === 'bare' || hop.id === 'loom'),
      pidOf(upstream),
      {
        requests: () => (quick ? 300 : 8_000),
        warmup: () => (quick ? 50 : 1_000),
        maxDurationMs: quick ? 500 : 1_500,
        prime: quick ? 100 : 2_000,
      },
      log,
    );
    await loom.stop();
    await portkey.stop();
    await bare.stop();

    log(`(d) gateway memory: a fresh gateway, ${MEMORY_REQUESTS} requests...`);
    const fresh = keep(await startLoomGateway(appDir, upstream.url, configDir));
    const memory = await measureMemory(fresh, MEMORY_REQUESTS);
    log(
      `    RSS idle ${memory.idleMb} MB, after load ${memory.afterLoadMb} MB, settled ${memory.settledMb} MB`,
    );

    const cells = figuresOf(matrix);
    const pinned = pinnedCells ? figuresOf(pinnedCells) : undefined;
    const targets = checkTargets(cells, memory, kernelOverhead, pinned);
    const report: SuiteReport = {
      benchmark: 'gateway-suite',
      description:
        'Loom gateway vs direct, a bare undici proxy and Portkey 1.15.2 on the testkit simulated OpenAI upstream over loopback, one run',
      environment: describeEnvironment(startedAt, new Date()),
      durationSeconds: Math.round((performance.now() - clock) / 1000),
      kernelOverhead,
      cells,
      ...(pinned ? { pinned } : {}),
      memory,
      targets,
      pass: targets.every((t) => t.pass),
    };
    const resultsDir = join(root, 'bench/results');
    await mkdir(resultsDir, { recursive: true });
    const suffix = quick ? '-quick' : '';
    await writeFile(
      join(resultsDir, `gateway-suite${suffix}.json`),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    const summary = toSummaryMarkdown(report);
    await writeFile(join(resultsDir, `SUMMARY${suffix}.md`), summary);
    log(`\n${summary}`);
    log(`written: bench/results/gateway-suite${suffix}.json, bench/results/SUMMARY${suffix}.md`);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await rm(configDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench suite failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 2;
});
