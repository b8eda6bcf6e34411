import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AlertsResponse,
  ExplainResponse,
  ProvidersResponse,
  StatsResponse,
} from '../src/api/api-types.js';
import { eventually, type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

describe('JSON API', () => {
  let stack: RuntimeStack;
  beforeAll(async () => {
    stack = await startRuntimeStack({
      alerts: {
        intervalMs: 100,
        sinks: [{ type: 'memory' }],
        rules: [
          {
            name: 'chat-traffic',
            severity: 'info',
            labels: { team: 'llm' },
            condition: {
              type: 'threshold',
              query: { name: 'loom.requests' },
              windowMs: 60_000,
              aggregate: 'count',
              operator: '>=',
              value: 2,
              groupBy: ['gen_ai.provider.name'],
            },
          },
        ],
      },
    });
    for (let index = 0; index < 3; index++) {
      await stack.client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: `Hello ${index}` }],
      });
    }
    const stream = await stack.client.chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'Stream me a few words' }],
    });
    for await (const _chunk of stream) {
      // drain
    }
  });
  afterAll(() => stack?.close());

  it('/api/providers lists each provider with its type, health and deployments', async () => {
    const { status, body } = await stack.get('/api/providers');
    expect(status).toBe(200);
    const providers = (body as ProvidersResponse).providers;
    expect(providers.map((provider) => [provider.id, provider.type])).toEqual([
      ['primary', 'openai'],
      ['backup', 'openai'],
      ['local', 'ollama'],
    ]);
    const primary = providers[0]!;
    expect(primary.health).toBeNull();
    expect(primary.deployments[0]).toMatchObject({
      deployment: { id: 'primary/gpt-4o-mini' },
      requests: 4,
    });
  });

  it('/api/stats has kernel counters and per-provider series from the metric store', async () => {
    const { status, body } = await stack.get('/api/stats?window=2m&step=10s');
    expect(status).toBe(200);
    const stats = body as StatsResponse;
    expect(stats.kernel.requests.total).toBe(4);
    const series = stats.series!;
    expect(series.stepMs).toBe(10_000);
    const requests = series.requestsPerSecond.primary!;
    expect(requests).toHaveLength(12);
    const total = requests.reduce((sum, [, value]) => sum + (value ?? 0) * 10, 0);
    expect(total).toBeCloseTo(4, 5);
    expect(
      requests.every(([at], index) => index === 0 || at - requests[index - 1]![0] === 10_000),
    ).toBe(true);
    expect(series.latencyP50Ms.primary!.some(([, value]) => value !== null && value > 0)).toBe(
      true,
    );
    expect(series.ttftP50Ms.primary!.some(([, value]) => value !== null)).toBe(true);
    const cost = series.costMicros['primary/gpt-4o-mini']!;
    const charted = cost.reduce((sum, [, value]) => sum + (value ?? 0), 0);
    expect(charted).toBeGreaterThan(0);
    // The chart counts each priced attempt once: it matches the ledger.
    const ledger = await stack.get('/api/costs?groupBy=provider');
    const primary = ledger.body.groups.find((group: { key: string }) => group.key === 'primary');
    expect(Math.abs(charted - primary.costMicros)).toBeLessThanOrEqual(2);
    const bad = await stack.get('/api/stats?window=fortnight');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('window');
  });

  it('caps a 10 KB query parameter in the error it repeats', async () => {
    const long = 'q'.repeat(10_000);
    const refused = await stack.get(`/api/stats?window=${long}`);
    expect(refused.status).toBe(400);
    const message = String(refused.body.error.message);
    expect(message).toContain('… (10000 characters)');
    expect(message.includes('q'.repeat(201))).toBe(false);
  });

  it('/api/stats refuses a window without a unit with a 400 that shows the accepted forms', async () => {
    const bare = await stack.get('/api/stats?window=15');
    expect(bare.status).toBe(400);
    expect(bare.body).toEqual({
      error: {
        message:
          "Query parameter 'window' must be a duration with a unit (ms, s, m, h or d) such as 1500ms, 10s, 15m, 2h or 7d, got '15'.",
        type: 'invalid_request_error',
        param: 'window',
        code: 'invalid_query_parameter',
      },
    });
    const step = await stack.get('/api/stats?window=15m&step=10000');
    expect(step.status).toBe(400);
    expect(step.body.error.param).toBe('step');
    const withUnits = await stack.get('/api/stats?window=15m&step=2m');
    expect(withUnits.status).toBe(200);
    const series = (withUnits.body as StatsResponse).series!;
    expect(series.stepMs).toBe(120_000);
    // 15 minutes in steps of 2: 8 points.
    expect(series.requestsPerSecond.primary).toHaveLength(8);
  });

  it('/api/alerts shows an alert fired by a rule, firing and in the recent list', async () => {
    await eventually(async () => {
      const { body } = await stack.get('/api/alerts');
      return (body as AlertsResponse).firing.length > 0;
    });
    const { body } = await stack.get('/api/alerts?limit=5');
    const alerts = body as AlertsResponse;
    expect(alerts.firing[0]).toMatchObject({
      rule: 'chat-traffic',
      state: 'firing',
      severity: 'info',
      labels: { team: 'llm', 'gen_ai.provider.name': 'primary' },
    });
    expect(alerts.recent[0]?.rule).toBe('chat-traffic');
    expect((await stack.get('/api/alerts?limit=0')).body.error.param).toBe('limit');
  });

  it('/api/explain ranks the candidates of a model', async () => {
    const { status, body } = await stack.get('/api/explain?model=chat');
    expect(status).toBe(200);
    const explanation = body as ExplainResponse;
    expect(explanation.model).toBe('chat');
    expect(explanation.strategy).toBe('priority');
    const kept = explanation.candidates.filter((candidate) => candidate.kept);
    expect(kept.map((candidate) => candidate.deployment.id)).toEqual([
      'primary/gpt-4o-mini',
      'backup/gpt-4o-mini',
    ]);
    const missing = await stack.get('/api/explain');
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('model');
  });

  it('POST /api/explain explains a real chat body, and refuses a bad one in OpenAI shape', async () => {
    const post = async (body: unknown) => {
      const response = await fetch(`${stack.loom.url}/api/explain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: each assertion reads its own shape.
      return { status: response.status, body: (await response.json()) as any };
    };
    const answer = await post({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(answer.status).toBe(200);
    expect((answer.body as ExplainResponse).candidates.length).toBeGreaterThan(0);
    const bad = await post({ model: 'chat' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' });
  });
});
