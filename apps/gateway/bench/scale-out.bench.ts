// Issue #9 benchmark: budget admission through Redis as a gateway's client sees it (p50 / p99 of
// sequential requests with a block budget vs without), and throughput of three gateway processes
// against one at 64 requests in flight, all sharing Redis (counters) and PostgreSQL (the ledger)
// in front of a zero-latency simulated upstream. Results: bench/results/scale-out.json.
// Run: pnpm --filter @loom/gateway bench (needs the test PostgreSQL and Redis; see DESIGN.md).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  type GatewayProcess,
  repoRoot,
  startGatewayProcess,
} from '../test/scale-out/gateway-process.js';
import { chatBody, keepAliveAgent, send } from '../test/scale-out/http-client.js';
import {
  MAX_TOKENS,
  prompt,
  scaleOutConfig,
  writeConfig,
} from '../test/scale-out/scale-out-config.js';
import {
  checkServices,
  deleteBudgetKeys,
  openRunSchema,
  redisUrl,
  runId,
} from '../test/scale-out/services.js';

const LATENCY_WARMUP = 100;
const LATENCY_SAMPLES = 1000;
const IN_FLIGHT = 64;
const WARMUP_MS = 1500;
const MEASURE_MS = 8000;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function percentiles(times: number[]) {
  const sorted = Float64Array.from(times).sort();
  const at = (fraction: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0, 3);
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Starts the upstream in its own process; resolves with its baseURL and a stop function. */
async function startUpstreamProcess(): Promise<{ baseURL: string; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL('../test/scale-out/upstream-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@loom/source', '--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseURL = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /upstream (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`upstream process exited (${code})`)));
  });
  return {
    baseURL,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Sequential requests (one in flight) to one gateway: what admission adds to each request. */
async function sequentialLatency(gateway: GatewayProcess) {
  const agent = keepAliveAgent();
  const times: number[] = [];
  for (let index = -LATENCY_WARMUP; index < LATENCY_SAMPLES; index += 1) {
    const reply = await send(`${gateway.url}/v1/chat/completions`, {
      body: chatBody('sim', prompt(index), MAX_TOKENS),
      agent,
    });
    if (reply.status !== 200)
      throw new Error(`latency run: ${reply.status} ${JSON.stringify(reply.body)}`);
    if (index >= 0) times.push(reply.ms);
  }
  agent.destroy();
  return percentiles(times);
}

/** Closed loop: `IN_FLIGHT` workers spread over `gateways`, warm-up then a measured window. */
async function throughput(gateways: readonly GatewayProcess[]) {
  const agent = keepAliveAgent();
  const times: number[] = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  let sequence = 0;
  const worker = async (slot: number) => {
    const gateway = gateways[slot % gateways.length] as GatewayProcess;
    while (!stop) {
      const reply = await send(`${gateway.url}/v1/chat/completions`, {
        body: chatBody('sim', prompt(sequence++), MAX_TOKENS),
        agent,
      });
      if (!measuring) continue;
      if (reply.status === 200) times.push(reply.ms);
      else errors += 1;
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, (_, slot) => worker(slot));
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const cpu = () => gateways.reduce((sum, gateway) => sum + cpuSeconds(gateway.pid), 0);
  measuring = true;
  const started = performance.now();
  const cpuBefore = cpu();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  measuring = false;
  const cpuUsed = cpu() - cpuBefore;
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  return {
    gateways: gateways.length,
    inFlight: IN_FLIGHT,
    seconds: round(seconds),
    requests: times.length,
    errors,
    perSecond: Math.round(times.length / seconds),
    ...percentiles(times),
    /** Gateway CPU (all processes) per answered request: independent of how busy the machine is. */
    gatewayCpuMsPerRequest: round((cpuUsed * 1000) / Math.max(1, times.length), 3),
    /** Cores the gateways used on average (2 would be the whole machine). */
    gatewayCores: round(cpuUsed / seconds),
  };
}

async function main() {
  const services = await checkServices('scale-out benchmark');
  if (services.missing.length > 0) {
    console.error(`scale-out benchmark needs ${services.missing.join(' and ')}`);
    process.exit(1);
  }
  const id = runId();
  const budget = `bench-scale-${id}`;
  const dir = await mkdtemp(join(tmpdir(), 'loom-scale-bench-'));
  const schema = await openRunSchema(id);
  const upstream = await startUpstreamProcess();
  const gateways: GatewayProcess[] = [];
  const load = loadavg().map((value) => round(value));
  try {
    const base = {
      upstreams: [{ id: 'sim', baseURL: upstream.baseURL }],
      ledger: schema.ledgerUrl,
      redis: redisUrl,
    };
    const budgeted = await writeConfig(
      dir,
      'budget.yaml',
      scaleOutConfig({
        ...base,
        // Never refuses: every request runs the full reserve + settle through Redis.
        budgets: [
          { name: budget, scope: 'global', window: 'total', action: 'block', limitUsd: 1e6 },
        ],
      }),
    );
    const plain = await writeConfig(dir, 'plain.yaml', scaleOutConfig(base));
    const batched = await writeConfig(
      dir,
      'batched.yaml',
      scaleOutConfig({ ...base, ledgerWrites: 'batched' }),
    );
    for (const file of [budgeted, budgeted, budgeted, plain, batched])
      gateways.push(await startGatewayProcess(file));
    const [first, second, third, unbudgeted, offPath] = gateways as [
      GatewayProcess,
      GatewayProcess,
      GatewayProcess,
      GatewayProcess,
      GatewayProcess,
    ];

    console.log('latency: sequential requests, one gateway, with and without a block budget...');
    const withBudget = await sequentialLatency(first);
    const withoutBudget = await sequentialLatency(unbudgeted);
    await unbudgeted.stop();
    // What the default `ledgerWrites: request` (a PostgreSQL commit before each answer) costs.
    const batchedLedger = await sequentialLatency(offPath);
    await offPath.stop();

    console.log(`throughput: ${IN_FLIGHT} in flight, one gateway, then three...`);
    const one = await throughput([first]);
    const three = await throughput([first, second, third]);

    const storeFile = join(repoRoot, 'bench/results/redis-budget.json');
    const store = existsSync(storeFile)
      ? (JSON.parse(readFileSync(storeFile, 'utf8')) as { latency?: unknown }).latency
      : undefined;
    const result = {
      name: 'scale-out',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAverageAtStart: load },
      note:
        `Gateways are separate 'loom serve' processes from source (tsx) with storage.redis (budget counters) ` +
        `and storage.ledger in PostgreSQL (ledgerWrites: request, the default: each request's row is committed ` +
        `before its answer). The upstream is a zero-latency simulator in its own process; the load generator is ` +
        `this process. All share the same ${cpus().length} cores, so three gateways compete with each other, ` +
        `the upstream and the load generator for CPU: the ratio shows contention on one machine, not how ` +
        `three machines would scale. Other work on the machine (see loadAverageAtStart) inflates every figure.`,
      latency: {
        concurrency: 1,
        withBudget,
        withoutBudget,
        withoutBudgetBatchedLedger: batchedLedger,
        admissionAddedP50Ms: round(withBudget.p50Ms - withoutBudget.p50Ms, 3),
        admissionAddedP99Ms: round(withBudget.p99Ms - withoutBudget.p99Ms, 3),
        requestLedgerWritesAddedP50Ms: round(withoutBudget.p50Ms - batchedLedger.p50Ms, 3),
        ...(store ? { storeLevel: { source: 'bench/results/redis-budget.json', ...store } } : {}),
      },
      throughput: { one, three, ratio: round(three.perSecond / Math.max(1, one.perSecond)) },
    };
    const out = join(repoRoot, 'bench/results/scale-out.json');
    mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

    const table = [
      ['1 gateway, 1 in flight, block budget (Redis)', withBudget, '-', '-'],
      ['1 gateway, 1 in flight, no budget', withoutBudget, '-', '-'],
      ['1 gateway, 1 in flight, no budget, ledgerWrites: batched', batchedLedger, '-', '-'],
      [`1 gateway, ${IN_FLIGHT} in flight, block budget`, one, one.perSecond, one.errors],
      [`3 gateways, ${IN_FLIGHT} in flight, block budget`, three, three.perSecond, three.errors],
    ] as const;
    console.log(
      '\n| run | requests | req/s | p50 ms | p99 ms | errors | gateway CPU ms/req | cores |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const [name, entry, perSecond, errors] of table) {
      const cpu =
        'gatewayCpuMsPerRequest' in entry
          ? `${entry.gatewayCpuMsPerRequest} | ${entry.gatewayCores}`
          : '- | -';
      console.log(
        `| ${name} | ${entry.samples} | ${perSecond} | ${entry.p50Ms} | ${entry.p99Ms} | ${errors} | ${cpu} |`,
      );
    }
    console.log(
      `\nadmission through Redis adds p50 ${result.latency.admissionAddedP50Ms} ms, p99 ${result.latency.admissionAddedP99Ms} ms;` +
        ` three gateways / one = ${result.throughput.ratio}x on ${cpus().length} cores (load average at start ${load.join(', ')})`,
    );
    console.log(`wrote ${out}`);
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await upstream.stop();
    const redis = new Redis(redisUrl);
    await deleteBudgetKeys(redis, budget);
    redis.disconnect();
    await schema.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
