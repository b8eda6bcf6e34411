import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createKernel, ProviderCallError } from '../src/index.js';
import { fakeProvider, reply, streamOf, textStream } from './fixtures/fake-provider.js';

function setup() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metrics,
    exportIntervalMillis: 60_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const failing = new ProviderCallError({ provider: 'a', message: 'down', upstreamStatus: 503 });
  const provider = fakeProvider('a', {
    chat: [
      async () => ({
        ...reply('hi', 'gpt-4o-mini-2024-07-18'),
        usage: { ...reply('').usage, cachedInputTokens: 1 },
      }),
      () => Promise.reject(failing),
    ],
    stream: [() => streamOf(textStream(['x', 'y', 'z']))],
  });
  const kernel = createKernel({
    providers: [provider],
    models: [{ name: 'chat', targets: ['a/gpt-4o-mini'] }],
    telemetry: { tracerProvider, meterProvider },
    routing: { retries: 0 },
  });
  const readMetrics = async () => {
    await meterProvider.forceFlush();
    const all = metrics
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    return new Map(all.map((metric) => [metric.descriptor.name, metric]));
  };
  return { kernel, spans, readMetrics };
}

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('OpenTelemetry GenAI telemetry', () => {
  it('records one CLIENT span per attempt with the GenAI attributes', async () => {
    const { kernel, spans } = setup();
    await kernel.chat(ask);
    await expect(kernel.chat(ask)).rejects.toMatchObject({ statusCode: 503 });
    const [ok, failed] = spans.getFinishedSpans();
    expect(ok?.name).toBe('chat gpt-4o-mini');
    expect(ok?.kind).toBe(SpanKind.CLIENT);
    expect(ok?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'fake',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'resp-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cache_read.input_tokens': 1,
      'server.address': '127.0.0.1',
      'server.port': 9,
    });
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'provider_error' });
    expect(failed?.attributes['error.type']).toBe('provider_error');
    // Messages never reach telemetry: they can carry prompts or credentials.
    expect(JSON.stringify(failed?.events ?? [])).not.toContain('down');
  });

  it('records duration and token usage histograms with the conventions units and buckets', async () => {
    const { kernel, readMetrics } = setup();
    await kernel.chat(ask);
    await expect(kernel.chat(ask)).rejects.toBeDefined();
    const metrics = await readMetrics();
    const duration = metrics.get('gen_ai.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const durationPoints = duration?.dataPoints ?? [];
    expect(durationPoints.map((point) => point.attributes['error.type'])).toEqual([
      undefined,
      'provider_error',
    ]);
    expect(durationPoints[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'fake',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'server.address': '127.0.0.1',
    });
    const boundaries = (durationPoints[0]!.value as { buckets: { boundaries: number[] } }).buckets
      .boundaries;
    expect(boundaries[0]).toBeCloseTo(0.01);
    expect(boundaries.at(-1)).toBeCloseTo(81.92);
    const tokens = metrics.get('gen_ai.client.token.usage');
    expect(tokens?.descriptor.unit).toBe('{token}');
    const byType = Object.fromEntries(
      (tokens?.dataPoints ?? []).map((point) => [
        point.attributes['gen_ai.token.type'],
        (point.value as { sum: number }).sum,
      ]),
    );
    expect(byType).toEqual({ input: 3, output: 2 });
  });

  it('records time to first chunk and time per output chunk for streams', async () => {
    const { kernel, readMetrics } = setup();
    for await (const _part of await kernel.stream(ask)) {
      // drain
    }
    const metrics = await readMetrics();
    const first = metrics.get('gen_ai.client.operation.time_to_first_chunk');
    const perChunk = metrics.get('gen_ai.client.operation.time_per_output_chunk');
    expect(first?.descriptor.unit).toBe('s');
    expect((first!.dataPoints[0]!.value as { count: number }).count).toBe(1);
    // Six parts: the first sets time to first chunk, the other five are gaps.
    expect((perChunk!.dataPoints[0]!.value as { count: number }).count).toBe(5);
  });

  it('records nothing and needs no SDK when telemetry is off or absent', async () => {
    const kernel = createKernel({
      providers: [fakeProvider('a')],
      defaultProvider: 'a',
      telemetry: false,
    });
    await expect(kernel.chat({ ...ask, model: 'm' })).resolves.toBeDefined();
    const noSdk = createKernel({ providers: [fakeProvider('a')], defaultProvider: 'a' });
    await expect(noSdk.chat({ ...ask, model: 'm' })).resolves.toBeDefined();
  });

  it('picks up a global tracer provider registered after the kernel was created', async () => {
    const kernel = createKernel({ providers: [fakeProvider('a')], defaultProvider: 'a' });
    await kernel.chat({ ...ask, model: 'm' });
    const spans = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
    try {
      await kernel.chat({ ...ask, model: 'm' });
      expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['chat m']);
    } finally {
      trace.disable();
    }
  });
});
