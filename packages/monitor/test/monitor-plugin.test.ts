/// <reference path="./parse-prometheus-text-format.d.ts" />
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKernel, type Kernel, ProviderCallError } from '@loom/core';
import { createMemorySink, metricNames, monitorPlugin, reportToMarkdown } from '@loom/monitor';
import { createMockProvider, mockError } from '@loom/testkit';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';

const failure = () =>
  new ProviderCallError({
    provider: 'flaky',
    message: 'upstream 503',
    code: 'server_error',
    upstreamStatus: 503,
    isRetryable: true,
  });

let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.stop({ drainTimeoutMs: 1_000 });
  kernel = undefined;
});

async function startKernel(plugin: ReturnType<typeof monitorPlugin>) {
  const flaky = createMockProvider({
    id: 'flaky',
    script: [mockError(failure), mockError(failure)],
  });
  kernel = createKernel({
    providers: [flaky, createMockProvider({ id: 'steady' })],
    models: [{ name: 'chat', targets: ['flaky/mock-model', 'steady/mock-model'] }],
    plugins: [plugin],
    health: { intervalMs: 0 },
    telemetry: false,
  });
  await kernel.start();
  const messages = [{ role: 'user' as const, content: 'hello monitor' }];
  for (let index = 0; index < 4; index++) {
    await kernel.chat({
      model: 'chat',
      messages,
      metadata: { sessionId: `s-${index % 2}`, user: 'u' },
    });
  }
  const stream = await kernel.stream({ model: 'chat', messages, metadata: { sessionId: 's-0' } });
  for await (const _part of stream);
  return kernel;
}

describe('monitorPlugin', () => {
  it('feeds kernel metrics into the store and reports them', async () => {
    const plugin = monitorPlugin({ collectors: { system: { intervalMs: 60_000 } } });
    await startKernel(plugin);
    const range = { from: Date.now() - 60_000, to: Date.now() + 1_000 };
    expect(plugin.store.query({ ...range, name: metricNames.REQUESTS }).sum).toBe(5);
    expect(plugin.store.query({ ...range, name: metricNames.FALLBACKS }).sum).toBe(2);
    expect(plugin.store.query({ ...range, name: metricNames.RETRIES }).sum).toBe(2);
    expect(plugin.store.query({ ...range, name: 'process.memory.usage' }).count).toBeGreaterThan(0);
    const report = plugin.report(range);
    expect(report.latency.count).toBe(7);
    expect(report.timeToFirstChunk.count).toBe(1);
    expect(report.errors).toEqual([{ type: 'server_error', count: 2 }]);
    expect(report.topSessions.map((session) => [session.sessionId, session.requests])).toEqual([
      ['s-0', 3],
      ['s-1', 2],
    ]);
    const markdown = reportToMarkdown(report);
    expect(markdown).toContain('| server_error | 2 |');
    expect(markdown).toContain('## Top sessions');
  });

  it('raises alerts through the kernel to its sinks', async () => {
    const sink = createMemorySink();
    const plugin = monitorPlugin({
      sinks: [sink],
      collectors: { system: false },
      alerts: {
        intervalMs: 20,
        rules: [
          {
            name: 'errors',
            severity: 'critical',
            condition: {
              type: 'threshold',
              query: { name: metricNames.ERRORS },
              windowMs: 60_000,
              aggregate: 'sum',
              operator: '>=',
              value: 1,
            },
          },
        ],
      },
    });
    await startKernel(plugin);
    await expect.poll(() => sink.alerts.length, { timeout: 2_000 }).toBeGreaterThan(0);
    expect(sink.alerts[0]).toMatchObject({ rule: 'errors', state: 'firing', value: 2 });
    expect(plugin.alerts?.sent()).toHaveLength(1);
  });

  it('serves Prometheus text over HTTP with GenAI names', async () => {
    const plugin = monitorPlugin({ collectors: { system: { intervalMs: 60_000 } } });
    await startKernel(plugin);
    const server = createServer(plugin.prometheusHandler()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
      );
      expect(response.headers.get('content-type')).toContain('text/plain');
      const families = parsePrometheusTextFormat(await response.text());
      const byName = new Map(families.map((family) => [family.name, family]));
      const duration = byName.get('gen_ai_client_operation_duration_seconds');
      expect(duration?.type).toBe('HISTOGRAM');
      // parse-prometheus-text-format flattens histograms into one label-less sample, so labels are
      // checked on the counter and the buckets on the histogram.
      expect(Object.keys(duration?.metrics[0]?.buckets ?? {})).toEqual([
        ...[
          '0.01',
          '0.02',
          '0.04',
          '0.08',
          '0.16',
          '0.32',
          '0.64',
          '1.28',
          '2.56',
          '5.12',
          '10.24',
          '20.48',
          '40.96',
          '81.92',
        ],
        '+Inf',
      ]);
      const errors = byName.get('loom_errors_total');
      expect(errors?.type).toBe('COUNTER');
      expect(errors?.metrics).toEqual([
        {
          value: '2',
          labels: {
            gen_ai_operation_name: 'chat',
            gen_ai_provider_name: 'flaky',
            gen_ai_request_model: 'mock-model',
            error_type: 'server_error',
          },
        },
      ]);
      expect(byName.get('gen_ai_client_token_usage')?.type).toBe('HISTOGRAM');
      expect(byName.get('gen_ai_client_operation_time_to_first_chunk_seconds')?.type).toBe(
        'HISTOGRAM',
      );
      expect(byName.get('loom_requests_total')?.type).toBe('COUNTER');
      expect(byName.get('process_memory_usage_bytes')?.type).toBe('GAUGE');
      expect(await plugin.render()).toContain('# TYPE loom_errors_total counter');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
