import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

describe('startLoom', () => {
  let stack: RuntimeStack;
  beforeAll(async () => {
    stack = await startRuntimeStack();
  });
  afterAll(() => stack?.close());

  it('prices chat and embeddings, answers with x-loom-cost-usd and groups spend in /api/costs', async () => {
    const chat = await stack.client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'Hello there, Loom' }] })
      .withResponse();
    const cost = Number(chat.response.headers.get('x-loom-cost-usd'));
    expect(cost).toBeGreaterThan(0);
    expect(chat.response.headers.get('x-loom-provider')).toBe('primary');

    stack.primary.inject({ fault: { type: 'status', status: 503 }, times: 1 });
    await stack.client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Served by the backup after a 503' }],
    });
    // Local runtimes are free unless they carry an hourly cost.
    await stack.client.chat.completions.create({
      model: 'local/llama3.2',
      messages: [{ role: 'user', content: 'Hello, local' }],
    });
    const embedding = await stack.client.embeddings
      .create({ model: 'embed', input: ['one', 'two'] })
      .withResponse();
    expect(Number(embedding.response.headers.get('x-loom-cost-usd'))).toBeGreaterThan(0);

    const byProvider = await stack.get('/api/costs?groupBy=provider');
    expect(byProvider.status).toBe(200);
    expect(byProvider.body.enabled).toBe(true);
    const keys = byProvider.body.groups.map((group: { key: string }) => group.key);
    expect(keys).toEqual(['backup', 'local', 'primary']);
    const primary = byProvider.body.groups.find(
      (group: { key: string }) => group.key === 'primary',
    );
    expect(primary.records).toBe(2);
    expect(primary.costMicros).toBeGreaterThanOrEqual(Math.round(cost * 1e6));
    const local = byProvider.body.groups.find((group: { key: string }) => group.key === 'local');
    expect(local.costMicros).toBe(0);
    expect(byProvider.body.totalMicros).toBe(
      byProvider.body.groups.reduce(
        (sum: number, group: { costMicros: number }) => sum + group.costMicros,
        0,
      ),
    );

    const byModel = await stack.get('/api/costs?groupBy=model');
    expect(byModel.body.groups.map((group: { key: string }) => group.key)).toContain('gpt-4o-mini');
    const future = await stack.get(`/api/costs?from=${Date.now() + 60_000}`);
    expect(future.body.records).toBe(0);
  });

  it('answers bad /api/costs parameters with a 400 naming the parameter', async () => {
    const badGroup = await stack.get('/api/costs?groupBy=colour');
    expect(badGroup.status).toBe(400);
    expect(badGroup.body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'groupBy',
      code: 'invalid_query_parameter',
    });
    const badFrom = await stack.get('/api/costs?from=yesterday');
    expect(badFrom.status).toBe(400);
    expect(badFrom.body.error.param).toBe('from');
    const reversed = await stack.get('/api/costs?from=2026-02-01&to=2026-01-01');
    expect(reversed.body.error.param).toBe('to');
  });

  it('keeps the ledger in the SQLite file named by storage.ledger', async () => {
    await stack.loom.cost.report(); // flushes the batched ledger writer
    const { openSqliteLedger } = await import('@loom/cost');
    const reader = await openSqliteLedger({ path: `${stack.directory}/ledger.db` });
    const [total] = await reader.query();
    await reader.close();
    expect(total?.records).toBeGreaterThanOrEqual(4);
  });
});

describe('budgets', () => {
  let stack: RuntimeStack;
  beforeAll(async () => {
    stack = await startRuntimeStack({
      budgets: [{ name: 'tiny', limitUsd: 0.000_5, window: 'day', action: 'block' }],
      storage: { ledger: 'memory' },
    });
  });
  afterAll(() => stack?.close());

  it('refuses with 429 budget_exceeded and Retry-After when a block budget cannot cover a request', async () => {
    const ask = async (maxTokens: number) => {
      const response = await fetch(`${stack.loom.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'chat',
          max_tokens: maxTokens,
          messages: [{ role: 'user', content: 'Spend a little money, please.' }],
        }),
      });
      const body = (await response.json()) as { error?: { code: string; type: string } };
      return {
        status: response.status,
        error: body.error,
        retryAfter: response.headers.get('retry-after'),
      };
    };
    // Admission reserves the worst case: 50 output tokens of gpt-4o-mini fit in $0.0005.
    expect((await ask(50)).status).toBe(200);
    const refused = await ask(5_000);
    expect(refused.status).toBe(429);
    expect(refused.error).toMatchObject({ code: 'budget_exceeded', type: 'rate_limit_error' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(stack.primary.requests.length + stack.backup.requests.length).toBe(1);
    const costs = await stack.get('/api/costs');
    const [budget] = costs.body.budgets;
    expect(budget).toMatchObject({ budget: 'tiny', action: 'block', limitMicros: 500 });
    expect(budget.spentMicros).toBeLessThanOrEqual(500);
    expect(budget.resetsAt).toBeGreaterThan(Date.now());
  });
});

describe('startLoom on a taken port', () => {
  it('rejects with the listen error and stops the kernel it had started', async () => {
    const first = await startRuntimeStack();
    try {
      const port = Number(new URL(first.loom.url).port);
      const { startLoom } = await import('../src/runtime/start-loom.js');
      const { loadConfig } = await import('../src/config/load-config.js');
      // A kernel left running would keep health-checking the upstreams every 20 ms.
      const config = { ...(await loadConfig(first.file)), health: { intervalMs: 20 } };
      await expect(
        startLoom(config, { file: first.file, port, log: { info() {}, warn() {}, error() {} } }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const seen = first.primary.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(first.primary.requests.length).toBe(seen);
    } finally {
      await first.close();
    }
  });
});

describe('runtime config', () => {
  it('names the file and path of bad budgets, pricing and storage', async () => {
    const { validateConfig } = await import('../src/config/load-config.js');
    const raw = {
      providers: [{ id: 'local', type: 'ollama', baseURL: 'http://127.0.0.1:11434' }],
      budgets: [{ name: 'daily', limitUsd: 5, timeZone: 'Mars/Olympus', action: 'block' }],
      pricing: { providers: { local: { costPerHourUsd: -1 } } },
      storage: { ledger: 'mysql://db' },
    };
    let message = '';
    try {
      validateConfig(raw, 'loom.yaml', {});
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toContain(
      'loom.yaml: budgets.0.timeZone: an IANA time zone such as UTC or Europe/Berlin',
    );
    expect(
      lines.some((line) => line.startsWith('loom.yaml: pricing.providers.local.costPerHourUsd:')),
    ).toBe(true);
    expect(lines).toContain(
      'loom.yaml: storage.ledger: memory, sqlite://<path> or postgres://user@host/db',
    );
  });

  it('flushes the ledger on close', async () => {
    const stack = await startRuntimeStack();
    await stack.client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Written at shutdown' }],
    });
    const { openSqliteLedger } = await import('@loom/cost');
    await stack.loom.close();
    const reader = await openSqliteLedger({ path: `${stack.directory}/ledger.db` });
    const [total] = await reader.query();
    await reader.close();
    await stack.close();
    expect(total?.records).toBe(1);
  });
});
