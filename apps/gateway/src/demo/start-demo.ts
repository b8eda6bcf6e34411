import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dashboardRoutes } from '../dashboard/dashboard-routes.js';
import { type RunningLoom, type RuntimeLog, startLoom } from '../runtime/start-loom.js';
import { DEMO_LOCAL_MODEL, DEMO_MODEL, demoConfig } from './demo-config.js';
import { type Narrator, narrate } from './narrator.js';
import { DEFAULT_OUTAGE, type OutageTimeline, scheduleOutage } from './outage-script.js';
import { type SimulatedWorld, startSimulatedWorld } from './simulated-world.js';
import { startTraffic, type Traffic, type TrafficResult } from './traffic-generator.js';

/** Options of `startDemo`. */
export interface DemoOptions {
  /** Gateway port; default 4000; 0 picks a free one. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Run the traffic generator; default true. */
  traffic?: boolean;
  /** Requests per second the generator starts; default 3. */
  ratePerSecond?: number;
  /** Keep the SQLite ledger in this folder (kept afterwards); default a temp folder, removed. */
  dataDir?: string;
  /** The scripted outage of the hosted upstream, or false for none. */
  outage?: OutageTimeline | false;
  /** How often alert rules are checked, and the window they look back over, ms. */
  alertIntervalMs?: number;
  alertWindowMs?: number;
  /** Gateway API keys: when given, the API and dashboard data need one; traffic uses the first. */
  apiKeys?: string[];
  /** Narration lines; default stdout. */
  write?: (line: string) => void;
  /** Runtime messages (ledger, warnings); default stderr. */
  log?: RuntimeLog;
}

/** A running demo. */
export interface RunningDemo {
  /** Gateway origin. */
  url: string;
  /** The dashboard page. */
  dashboardURL: string;
  loom: RunningLoom;
  world: SimulatedWorld;
  narrator: Narrator;
  /** Absent with `traffic: false`. */
  traffic: Traffic | undefined;
  /** Every request the traffic generator finished. */
  results: readonly TrafficResult[];
  /** Where the ledger lives. */
  dataDir: string;
  /** Stops traffic, the gateway (draining, flushing the ledger) and the upstreams. */
  close(): Promise<void>;
}

const quietLog: RuntimeLog = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Starts the whole demo: simulated OpenAI, vLLM and Ollama upstreams, Loom in front of them with
 * the dashboard, a SQLite ledger, budgets and an alert rule, a traffic generator and a scripted
 * outage of the hosted upstream, narrated as it happens.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const keepData = options.dataDir !== undefined;
  const dataDir = keepData
    ? resolve(options.dataDir!)
    : await mkdtemp(join(tmpdir(), 'loom-demo-'));
  await mkdir(dataDir, { recursive: true });
  const world = await startSimulatedWorld();
  let loom: RunningLoom;
  try {
    const config = demoConfig({
      world,
      dataDir,
      alertIntervalMs: options.alertIntervalMs ?? 2_000,
      alertWindowMs: options.alertWindowMs ?? 15_000,
      ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
    });
    loom = await startLoom(config, {
      file: join(dataDir, 'loom-demo.json'),
      port: options.port ?? 4000,
      host: options.host ?? '127.0.0.1',
      routes: dashboardRoutes(),
      log: options.log ?? quietLog,
    });
  } catch (error) {
    await world.close();
    if (!keepData) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const narrator = narrate(loom.kernel, { write });
  const results: TrafficResult[] = [];
  const outageTimeline = options.outage === undefined ? DEFAULT_OUTAGE : options.outage;
  const outage = outageTimeline
    ? scheduleOutage(world.openai, outageTimeline, (phase) =>
        narrator.say(
          'outage',
          phase === 'start'
            ? `the simulated OpenAI upstream answers chat requests with 503 (for ${Math.round(outageTimeline.durationMs / 1000)} s)`
            : 'the simulated OpenAI upstream is back; its breaker will probe and close',
        ),
      )
    : undefined;
  const traffic =
    options.traffic === false
      ? undefined
      : startTraffic({
          url: loom.url,
          models: [DEMO_MODEL, DEMO_LOCAL_MODEL],
          ratePerSecond: options.ratePerSecond ?? 3,
          ...(options.apiKeys?.[0] ? { apiKey: options.apiKeys[0] } : {}),
          onResult: (result) => results.push(result),
        });

  let closing: Promise<void> | undefined;
  return {
    url: loom.url,
    dashboardURL: `${loom.url}/`,
    loom,
    world,
    narrator,
    traffic,
    results,
    dataDir,
    close() {
      closing ??= (async () => {
        outage?.cancel();
        await traffic?.stop();
        narrator.stop();
        await loom.close();
        await world.close();
        if (!keepData) await rm(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
