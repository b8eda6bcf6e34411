// Issue #23: reservations must not outlive a crash. A gateway under a `total` block budget is
// killed with SIGKILL while eight requests are in flight; at its next start nothing is left
// reserved, the counter's spend is the ledger's, and requests are admitted again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from './scale-out/gateway-process.js';
import { chatBody, keepAliveAgent, type Reply, send } from './scale-out/http-client.js';
import {
  MAX_TOKENS,
  MICROS_PER_OUTPUT_TOKEN,
  MICROS_PER_REQUEST,
  prompt,
  writeConfig,
} from './scale-out/scale-out-config.js';
import { openRunSchema, type RunSchema, runId } from './scale-out/services.js';

const WARM = 4;
const IN_FLIGHT = 8;
const BUDGET = 'crash-total';
const postgresUrl = process.env.LOOM_TEST_POSTGRES_URL;
if (!postgresUrl)
  console.warn(
    'budget crash test with a PostgreSQL ledger skipped: set LOOM_TEST_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test)',
  );

/** No Redis: counters in the SQLite file, or in memory seeded from the PostgreSQL ledger. */
function crashConfig(upstream: SimulatedUpstream, ledger: string): Record<string, unknown> {
  return {
    providers: [{ id: 'sim', type: 'openai', baseURL: upstream.baseURL }],
    models: [{ name: 'sim', targets: ['sim/gpt-4o-mini'] }],
    routing: { retries: 0 },
    health: { intervalMs: 0 },
    logging: { level: 'warn' },
    monitor: { systemIntervalMs: 60_000 },
    pricing: {
      providers: {
        sim: {
          models: {
            'gpt-4o-mini': {
              inputPerMillionUsd: 0,
              outputPerMillionUsd: MICROS_PER_OUTPUT_TOKEN,
              cachedInputPerMillionUsd: 0,
            },
          },
        },
      },
    },
    // Room for exactly the warm-up and the in-flight requests: a reservation left behind by the
    // crash would refuse every later request.
    budgets: [
      {
        name: BUDGET,
        window: 'total',
        action: 'block',
        limitUsd: ((WARM + IN_FLIGHT) * MICROS_PER_REQUEST) / 1e6,
      },
    ],
    storage: { ledger },
  };
}

interface Standing {
  ledgerMicros: number;
  spentMicros: number;
  reservedMicros: number;
}

async function standing(gateway: GatewayProcess): Promise<Standing> {
  const reply = await send(`${gateway.url}/api/costs`);
  expect(reply.status).toBe(200);
  const body = reply.body as {
    totalMicros: number;
    budgets: Array<{ budget: string; spentMicros: number; reservedMicros: number }>;
  };
  const budget = body.budgets.find((entry) => entry.budget === BUDGET);
  return {
    ledgerMicros: body.totalMicros,
    spentMicros: budget?.spentMicros ?? Number.NaN,
    reservedMicros: budget?.reservedMicros ?? Number.NaN,
  };
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Warm-up, eight requests in flight, SIGKILL, restart on the same storage; returns the restart. */
async function crashAndRestart(
  configFile: string,
  upstream: SimulatedUpstream,
): Promise<GatewayProcess> {
  const agent = keepAliveAgent();
  const ask = (gateway: GatewayProcess, index: number) =>
    send(`${gateway.url}/v1/chat/completions`, {
      body: chatBody('sim', prompt(index), MAX_TOKENS),
      agent,
    });
  let gateway = await startGatewayProcess(configFile);
  try {
    const warm = await Promise.all(Array.from({ length: WARM }, (_, index) => ask(gateway, index)));
    expect(warm.map((reply) => reply.status)).toEqual(Array(WARM).fill(200));
    const settled = WARM * MICROS_PER_REQUEST;
    await until(async () => {
      const now = await standing(gateway);
      return now.spentMicros === settled && now.ledgerMicros === settled;
    }, 'the warm-up to be settled and in the ledger');

    upstream.clearRequests();
    const inFlight: Array<Promise<Reply>> = Array.from({ length: IN_FLIGHT }, (_, index) =>
      ask(gateway, WARM + index),
    );
    // Every one of them reached the upstream: each was admitted and holds its reservation.
    await until(() => upstream.requests.length === IN_FLIGHT, 'the requests to reach upstream');
    expect((await standing(gateway)).reservedMicros).toBe(IN_FLIGHT * MICROS_PER_REQUEST);
    await gateway.stop('SIGKILL');
    expect((await Promise.all(inFlight)).map((reply) => reply.status)).toEqual(
      Array(IN_FLIGHT).fill(0),
    );
  } finally {
    agent.destroy();
    await gateway.stop('SIGKILL');
  }
  gateway = await startGatewayProcess(configFile);
  return gateway;
}

async function expectReleasedAndAdmitting(gateway: GatewayProcess): Promise<void> {
  const after = await standing(gateway);
  expect(after).toEqual({
    ledgerMicros: WARM * MICROS_PER_REQUEST,
    spentMicros: WARM * MICROS_PER_REQUEST,
    reservedMicros: 0,
  });
  const reply = await send(`${gateway.url}/v1/chat/completions`, {
    body: chatBody('sim', prompt(99), MAX_TOKENS),
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  await until(async () => {
    const now = await standing(gateway);
    return now.reservedMicros === 0 && now.spentMicros === now.ledgerMicros;
  }, 'the new request to be settled');
  expect((await standing(gateway)).spentMicros).toBe((WARM + 1) * MICROS_PER_REQUEST);
}

describe('a gateway killed with requests in flight under a total block budget', () => {
  let upstream: SimulatedUpstream;
  let directory: string;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    // Long enough that the eight requests are still waiting when the gateway is killed.
    upstream = await startOpenAIServer({ latencyMs: 1_500 });
    directory = await mkdtemp(join(tmpdir(), 'loom-budget-crash-'));
  });
  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('with a SQLite ledger: releases the reservations at restart, keeps the spend and admits again', async () => {
    const file = await writeConfig(
      directory,
      'sqlite.yaml',
      crashConfig(upstream, 'sqlite://./ledger.db'),
    );
    gateway = await crashAndRestart(file, upstream);
    await expectReleasedAndAdmitting(gateway);
    await gateway.stop('SIGTERM');
  }, 120_000);

  describe.skipIf(!postgresUrl)('with a PostgreSQL ledger (LOOM_TEST_POSTGRES_URL)', () => {
    let schema: RunSchema | undefined;
    afterAll(async () => {
      await gateway?.stop('SIGKILL');
      await schema?.drop();
    });

    it('starts its counters from the ledger with nothing reserved and admits again', async () => {
      // A schema of this run only: concurrent runs on the shared database never meet.
      schema = await openRunSchema(`crash${runId()}`);
      const file = await writeConfig(
        directory,
        'postgres.yaml',
        crashConfig(upstream, schema.ledgerUrl),
      );
      gateway = await crashAndRestart(file, upstream);
      await expectReleasedAndAdmitting(gateway);
      await gateway.stop('SIGTERM');
    }, 120_000);
  });
});
