// Several gateways, one truth (issue #9): three real `loom serve` processes share the test Redis
// (budget counters) and a PostgreSQL schema (the ledger) in front of simulated OpenAI upstreams.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from './scale-out/gateway-process.js';
import {
  chatBody,
  errorCode,
  keepAliveAgent,
  type Reply,
  requestIdOf,
  send,
} from './scale-out/http-client.js';
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
  deleteBudgetKeys,
  openRunSchema,
  type RunSchema,
  redisUrl,
  runId,
} from './scale-out/services.js';

const services = await checkServices('scale-out tests (three gateways, Redis + PostgreSQL)');
const id = runId();
// Counter keys carry the budget name: unique names keep this run apart on the shared Redis.
const capBudget = `scale-cap-${id}`;
const killBudget = `scale-kill-${id}`;
const FITS = 50;

describe.skipIf(services.skip)('three gateways sharing Redis and PostgreSQL', () => {
  let dir: string;
  let schema: RunSchema;
  let redis: Redis;
  let fast: SimulatedUpstream;
  let slow: SimulatedUpstream;
  let configFile: string;
  const gateways: GatewayProcess[] = [];
  const agent = keepAliveAgent();

  beforeAll(async () => {
    if (services.missing.length > 0)
      throw new Error(`CI is set but these are unreachable: ${services.missing.join(', ')}`);
    dir = await mkdtemp(join(tmpdir(), 'loom-scale-out-'));
    schema = await openRunSchema(id);
    redis = new Redis(redisUrl);
    // `fast` answers at once (the budget race); `slow` keeps requests in flight for the kill.
    [fast, slow] = await Promise.all([startOpenAIServer(), startOpenAIServer({ latencyMs: 30 })]);
    const config = scaleOutConfig({
      upstreams: [
        { id: 'fast', baseURL: fast.baseURL },
        { id: 'slow', baseURL: slow.baseURL },
      ],
      ledger: schema.ledgerUrl,
      redis: redisUrl,
      budgets: [
        {
          name: capBudget,
          scope: 'provider',
          match: 'fast',
          window: 'total',
          action: 'block',
          limitUsd: (FITS * MICROS_PER_REQUEST) / 1e6,
        },
        // Large enough never to refuse: the kill scenario still reserves and settles in Redis.
        { name: killBudget, scope: 'provider', match: 'slow', action: 'block', limitUsd: 1000 },
      ],
    });
    configFile = await writeConfig(dir, 'loom.yaml', config);
    // Sequential starts: the first one runs the ledger migrations, the others find them done,
    // and three tsx compilations at once would only slow each other down on two cores.
    for (let index = 0; index < 3; index += 1) gateways.push(await startGatewayProcess(configFile));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    agent.destroy();
    await Promise.all([fast?.close(), slow?.close()]);
    if (redis) {
      await deleteBudgetKeys(redis, capBudget);
      await deleteBudgetKeys(redis, killBudget);
      redis.disconnect();
    }
    await schema?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('admits at most what a block budget fits when 500 requests race across three gateways', async () => {
    const replies = await Promise.all(
      Array.from({ length: 500 }, (_, index) =>
        send(`${gateways[index % 3]?.url}/v1/chat/completions`, {
          body: chatBody('fast', prompt(index), MAX_TOKENS),
          agent,
        }),
      ),
    );
    const admitted = replies.filter((reply) => reply.status === 200);
    const refused = replies.filter((reply) => reply.status !== 200);
    expect(admitted.length).toBeLessThanOrEqual(FITS);
    expect(admitted.length).toBeGreaterThanOrEqual(FITS - 5);
    // Without the shared counter each of the three nodes would admit FITS on its own (150 seen);
    // which node wins the race for the shared slots depends on scheduling, so it is not asserted.
    for (const reply of admitted) {
      // The worst case reserved is what the request cost: exactly MAX_TOKENS output tokens.
      expect((reply.body as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(
        MAX_TOKENS,
      );
      expect(reply.headers['x-loom-cost-usd']).toBe((MICROS_PER_REQUEST / 1e6).toFixed(6));
    }
    for (const reply of refused) {
      expect(reply.status).toBe(429);
      expect(errorCode(reply)).toBe('budget_exceeded');
      expect(reply.body).toMatchObject({
        error: {
          type: 'rate_limit_error',
          param: null,
          message: expect.stringContaining(capBudget),
        },
      });
    }

    const [ledger] = await schema.query(
      `SELECT count(*)::int AS rows, coalesce(sum(cost_micros), 0)::bigint AS micros,
              count(DISTINCT request_id)::int AS requests
         FROM ${schema.records} WHERE provider = 'fast'`,
    );
    expect(Number(ledger?.micros)).toBeLessThanOrEqual(FITS * MICROS_PER_REQUEST);
    expect(Number(ledger?.micros)).toBe(admitted.length * MICROS_PER_REQUEST);
    expect(ledger?.requests).toBe(admitted.length);
    const ids = admitted.map(requestIdOf);
    const found = await schema.query(
      `SELECT DISTINCT request_id FROM ${schema.records} WHERE request_id = ANY($1)`,
      [ids],
    );
    expect(found.length).toBe(admitted.length);

    // The shared counter agrees with the ledger, and nothing is left reserved.
    const counters = await budgetCounters(redis, capBudget);
    expect(counters).toHaveLength(1);
    expect(counters[0]?.spentMicros).toBe(admitted.length * MICROS_PER_REQUEST);
    expect(counters[0]?.reservedMicros).toBe(0);
  }, 90_000);

  it('loses no ledger row of a completed request when one gateway is killed mid-run', async () => {
    const VICTIM = 1;
    const victim = gateways[VICTIM] as GatewayProcess;
    const completed: Array<{ gateway: number; reply: Reply }> = [];
    const failedOnVictim: Reply[] = [];
    let sequence = 0;
    let victimDone = 0;
    let afterKill = 0;
    let killed: Promise<void> | undefined;
    let stop = false;

    // Twelve closed-loop workers per gateway against the 30 ms upstream: the victim always has
    // requests in flight when it is killed, and the others keep serving afterwards.
    const worker = async (index: number) => {
      const gateway = gateways[index] as GatewayProcess;
      while (!stop) {
        const reply = await send(`${gateway.url}/v1/chat/completions`, {
          body: chatBody('slow', prompt(sequence++), MAX_TOKENS),
          agent,
        });
        if (reply.status === 200) {
          completed.push({ gateway: index, reply });
          if (index === VICTIM && ++victimDone >= 40) killed ??= victim.stop('SIGKILL');
          if (killed && index !== VICTIM && ++afterKill >= 60) stop = true;
        } else if (index === VICTIM && killed) {
          failedOnVictim.push(reply);
          return;
        } else {
          stop = true;
          throw new Error(
            `gateway ${index} answered ${reply.status}: ${JSON.stringify(reply.body)}`,
          );
        }
      }
    };
    await Promise.all(
      gateways.flatMap((_, index) => Array.from({ length: 12 }, () => worker(index))),
    );
    await killed;
    expect(victim.exited).toBe(true);
    // Its in-flight and later requests got no answer (reset or refused), not an HTTP error.
    expect(failedOnVictim.length).toBeGreaterThan(0);
    for (const reply of failedOnVictim) expect(reply.status).toBe(0);
    expect(completed.filter((entry) => entry.gateway === VICTIM).length).toBeGreaterThanOrEqual(40);

    const ids = completed.map((entry) => requestIdOf(entry.reply));
    expect(ids.every((entry) => typeof entry === 'string')).toBe(true);
    const found = await schema.query(
      `SELECT DISTINCT request_id FROM ${schema.records} WHERE request_id = ANY($1)`,
      [ids],
    );
    const stored = new Set(found.map((row) => row.request_id));
    expect(ids.filter((entry) => !stored.has(entry))).toEqual([]);

    // The victim's in-flight requests (failedOnVictim) held budget under a 10-minute lease; the
    // gateway that takes its place on this host releases it as it starts. (Any gateway starting
    // on this host may release it first: other suites share this Redis.)
    gateways[VICTIM] = await startGatewayProcess(configFile);
    const counters = await budgetCounters(redis, killBudget);
    expect(counters.map((counter) => counter.reservedMicros)).toEqual(counters.map(() => 0));
  }, 90_000);
});
