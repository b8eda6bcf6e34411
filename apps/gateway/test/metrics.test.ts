import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

// The text exposition format, line by line: comments, then `name{labels} value`.
const HELP = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/;
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*,?\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;

describe('/metrics', () => {
  let stack: RuntimeStack;
  beforeAll(async () => {
    stack = await startRuntimeStack();
    await stack.client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Count me' }],
    });
  });
  afterAll(() => stack?.close());

  it('serves the Prometheus text format with GenAI metric names', async () => {
    const { status, headers, text } = await stack.get('/metrics');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('#')) {
        expect(line).toMatch(HELP);
        continue;
      }
      const match = SAMPLE.exec(line);
      expect(match, line).not.toBeNull();
      samples.set(`${match![1]}${match![2] ?? ''}`, Number(match![3]));
    }
    const names = [...samples.keys()].map((key) => key.split('{')[0]);
    expect(names).toContain('gen_ai_client_operation_duration_seconds_bucket');
    expect(names).toContain('gen_ai_client_token_usage_bucket');
    expect(names).toContain('loom_requests_total');
    expect(names).toContain('loom_cost_usd_total');
    const requests = [...samples].find(
      ([key]) =>
        key.startsWith('loom_requests_total{') && key.includes('gen_ai_provider_name="primary"'),
    );
    expect(requests?.[1]).toBe(1);
  });

  it('is an admin route: refused to a proxied (non-local) client', async () => {
    const response = await fetch(`${stack.loom.url}/metrics`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(response.status).toBe(403);
  });
});
