// Stopping Redis under three running gateways (issue #9): with `redisUnavailable: closed` requests
// under a block budget are refused fast with 503 and /readyz takes the node out of rotation; with
// `open` they are admitted; when Redis returns, every gateway recovers without a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from './scale-out/gateway-process.js';
import { chatBody, errorCode, keepAliveAgent, type Reply, send } from './scale-out/http-client.js';
import {
  type PrivateRedis,
  REDIS_SERVER,
  redisServerAvailable,
  startPrivateRedis,
} from './scale-out/private-redis.js';
import {
  MAX_TOKENS,
  MICROS_PER_REQUEST,
  prompt,
  scaleOutConfig,
  writeConfig,
} from './scale-out/scale-out-config.js';
import {
  budgetCounters,
  checkServices,
  openRunSchema,
  type RunSchema,
  runId,
} from './scale-out/services.js';

const services = await checkServices('scale-out Redis outage test');
const hasServer = redisServerAvailable();
if (!hasServer && !services.skip)
  console.warn(`scale-out Redis outage test skipped: no redis-server at ${REDIS_SERVER}`);
const id = runId();
const budget = `outage-${id}`;
const names = ['closed-a', 'closed-b', 'open-c'] as const;

interface Outcome {
  gateway: number;
  reply: Reply;
}

/** Polls `/readyz` until `accept` holds for its answer; returns when it did (performance.now()). */
async function readyzUntil(
  gateway: GatewayProcess,
  accept: (status: number, body: ReadyzBody) => boolean,
  timeoutMs: number,
): Promise<{ at: number; status: number; body: ReadyzBody }> {
  const started = performance.now();
  for (;;) {
    const reply = await send(`${gateway.url}/readyz`, { timeoutMs: 5000 });
    const body = reply.body as ReadyzBody;
    if (accept(reply.status, body)) return { at: performance.now(), status: reply.status, body };
    if (performance.now() - started > timeoutMs)
      throw new Error(
        `${gateway.url}/readyz still answers ${reply.status} ${JSON.stringify(body)} after ${timeoutMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface ReadyzBody {
  ready: boolean;
  reason?: string;
  dependencies?: Array<{ name: string; state: string; required: boolean }>;
}

const redisDependency = (body: ReadyzBody) =>
  body.dependencies?.find((entry) => entry.name === 'redis');

/** Waits until `condition` holds, polling every 50 ms; fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(services.skip || !hasServer)('three gateways when Redis stops and returns', () => {
  let dir: string;
  let schema: RunSchema;
  let redis: PrivateRedis;
  let upstream: SimulatedUpstream;
  const gateways: GatewayProcess[] = [];
  const agent = keepAliveAgent();

  beforeAll(async () => {
    if (services.missing.length > 0)
      throw new Error(`CI is set but these are unreachable: ${services.missing.join(', ')}`);
    dir = await mkdtemp(join(tmpdir(), 'loom-scale-outage-'));
    schema = await openRunSchema(id);
    redis = await startPrivateRedis();
    upstream = await startOpenAIServer();
    const config = (policy: 'closed' | 'open') =>
      scaleOutConfig({
        upstreams: [{ id: 'sim', baseURL: upstream.baseURL }],
        ledger: schema.ledgerUrl,
        redis: redis.url,
        redisUnavailable: policy,
        budgets: [
          { name: budget, scope: 'global', window: 'total', action: 'block', limitUsd: 1000 },
        ],
      });
    const closedFile = await writeConfig(dir, 'closed.yaml', config('closed'));
    const openFile = await writeConfig(dir, 'open.yaml', config('open'));
    for (const file of [closedFile, closedFile, openFile])
      gateways.push(await startGatewayProcess(file));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    agent.destroy();
    await upstream?.close();
    await redis?.close();
    await schema?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses fast while Redis is down (closed), admits (open), and recovers when it returns', async () => {
    const outcomes: Outcome[] = [];
    let stop = false;
    let sequence = 0;
    // Three closed-loop workers per gateway with a short pause: traffic through the whole outage.
    const worker = async (index: number) => {
      const gateway = gateways[index] as GatewayProcess;
      while (!stop) {
        const reply = await send(`${gateway.url}/v1/chat/completions`, {
          body: chatBody('sim', prompt(sequence++), MAX_TOKENS),
          agent,
          timeoutMs: 30_000,
        });
        outcomes.push({ gateway: index, reply });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const load = Promise.all(
      gateways.flatMap((_, index) => Array.from({ length: 3 }, () => worker(index))),
    );
    const count = (gateway: number, after: number, status?: number) =>
      outcomes.filter(
        (entry) =>
          entry.gateway === gateway &&
          entry.reply.startedAt >= after &&
          (status === undefined || entry.reply.status === status),
      ).length;

    try {
      for (const [index] of gateways.entries()) {
        const ready = await readyzUntil(
          gateways[index] as GatewayProcess,
          (status) => status === 200,
          10_000,
        );
        expect(redisDependency(ready.body)).toEqual({
          name: 'redis',
          state: 'ready',
          required: index < 2,
        });
      }
      await until(() => [0, 1, 2].every((index) => count(index, 0, 200) >= 5), 20_000, 'warm-up');

      // Redis goes away mid-run.
      const killedAt = performance.now();
      await redis.kill();
      const down: number[] = [];
      for (const index of [0, 1]) {
        const seen = await readyzUntil(
          gateways[index] as GatewayProcess,
          (status) => status === 503,
          10_000,
        );
        expect(seen.body.ready).toBe(false);
        expect(seen.body.reason).toContain('redis');
        expect(redisDependency(seen.body)).toEqual({
          name: 'redis',
          state: 'down',
          required: true,
        });
        down.push(seen.at);
      }
      // The open node stays in rotation and says Redis is down.
      const openDown = await readyzUntil(
        gateways[2] as GatewayProcess,
        (_, body) => redisDependency(body)?.state === 'down',
        10_000,
      );
      expect(openDown.status).toBe(200);
      expect(redisDependency(openDown.body)?.required).toBe(false);
      const downAt = Math.max(...down, openDown.at);
      await until(
        () => [0, 1, 2].every((index) => count(index, downAt) >= 10),
        20_000,
        'traffic during the outage',
      );

      // Redis returns on the same port (empty: counters are reseeded from the ledger).
      const restartedAt = performance.now();
      await redis.restart();
      const up: number[] = [];
      for (const gateway of gateways) {
        const seen = await readyzUntil(
          gateway,
          (status, body) => status === 200 && redisDependency(body)?.state === 'ready',
          20_000,
        );
        up.push(seen.at);
      }
      const upAt = Math.max(...up);
      await until(
        () => [0, 1, 2].every((index) => count(index, upAt, 200) >= 5),
        20_000,
        'successful requests after recovery',
      );
      stop = true;
      await load;

      const outage = (entry: Outcome) =>
        entry.reply.startedAt >= (down[entry.gateway] ?? downAt) &&
        entry.reply.startedAt < restartedAt;
      for (const entry of outcomes) {
        const { reply } = entry;
        // Never a hang, never a 500: an answer or a budget refusal, and quickly.
        expect(reply.ms).toBeLessThan(5000);
        if (reply.status === 200) continue;
        // Only the closed nodes refuse, only with budget_unavailable, only around the outage.
        expect(names[entry.gateway]).not.toBe('open-c');
        expect([reply.status, errorCode(reply)]).toEqual([503, 'budget_unavailable']);
        // (A request sent just before the kill can meet the dead connection.)
        expect(reply.startedAt + reply.ms).toBeGreaterThanOrEqual(killedAt);
        expect(reply.startedAt).toBeLessThan(upAt);
      }
      for (const index of [0, 1]) {
        const during = outcomes.filter((entry) => entry.gateway === index && outage(entry));
        expect(during.length).toBeGreaterThanOrEqual(10);
        for (const entry of during) {
          expect(entry.reply.status).toBe(503);
          expect(entry.reply.headers['retry-after']).toBe('1');
          expect(entry.reply.body).toMatchObject({
            error: {
              type: 'server_error',
              code: 'budget_unavailable',
              message: expect.stringContaining('Redis'),
            },
          });
        }
      }
      // The open node admitted through the whole outage.
      expect(
        outcomes
          .filter((entry) => entry.gateway === 2 && outage(entry))
          .every((entry) => entry.reply.status === 200),
      ).toBe(true);
      expect(count(2, downAt, 200)).toBeGreaterThanOrEqual(10);
      // After recovery every node serves again.
      for (const index of [0, 1, 2])
        expect(
          outcomes
            .filter((entry) => entry.gateway === index && entry.reply.startedAt >= (up[index] ?? 0))
            .every((entry) => entry.reply.status === 200),
        ).toBe(true);

      // Redis restarted empty: the counter was reseeded from the ledger and lost no spend. Spend
      // counted locally during the outage is pushed only when it is newer than the reseed's
      // ledger read, so a node that reconnects late does not count it twice.
      const outageSpend =
        outcomes.filter(
          (entry) =>
            entry.reply.status === 200 &&
            entry.reply.startedAt + entry.reply.ms >= killedAt &&
            entry.reply.startedAt < upAt,
        ).length * MICROS_PER_REQUEST;
      const [ledger] = await schema.query(
        `SELECT coalesce(sum(cost_micros), 0)::bigint AS micros FROM ${schema.records}`,
      );
      const client = new Redis(redis.url);
      try {
        const counters = await budgetCounters(client, budget);
        expect(counters).toHaveLength(1);
        const refused = outcomes.filter((entry) => entry.reply.status === 503);
        console.info(
          `outage: ${refused.length} refused (503) on the closed nodes, slowest ` +
            `${Math.round(Math.max(0, ...refused.map((entry) => entry.reply.ms)))} ms; ` +
            `${count(2, downAt, 200)} admitted by the open node; recovered ` +
            `${Math.round(upAt - restartedAt)} ms after the restart; counter ` +
            `${counters[0]?.spentMicros} micros, ledger ${ledger?.micros} micros, ` +
            `spend settled around the outage ${outageSpend} micros`,
        );
        expect(counters[0]?.spentMicros).toBe(Number(ledger?.micros));
      } finally {
        client.disconnect();
      }
    } finally {
      stop = true;
      await load.catch(() => undefined);
    }
  }, 120_000);
});
