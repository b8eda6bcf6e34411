import { costOf, createPriceBook, formatUsd, LocalRuntimeMeter, usdToMicros } from '@loom/cost';
import { describe, expect, it } from 'vitest';

describe('money', () => {
  it('converts and formats exactly', () => {
    expect(usdToMicros(0.15)).toBe(150_000);
    expect(formatUsd(1_234_567)).toBe('$1.234567');
    expect(formatUsd(-5)).toBe('-$0.000005');
  });
});

describe('costOf', () => {
  const price = { input: 2_000_000, output: 8_000_000, cachedInput: 500_000, reasoning: 8_000_000 };

  it('matches a hand-computed plain case', () => {
    // 1000 × $2/M + 500 × $8/M = $0.002 + $0.004 = 6000 micros
    expect(costOf({ inputTokens: 1000, outputTokens: 500 }, price)).toBe(6000);
  });

  it('prices cached input and reasoning tokens separately', () => {
    // 600 uncached × 2 + 400 cached × 0.5 + 200 output × 8 + 300 reasoning × 12 (per token, micros/M)
    const withReasoning = { ...price, reasoning: 12_000_000 };
    const usage = {
      inputTokens: 1000,
      cachedInputTokens: 400,
      outputTokens: 500,
      reasoningTokens: 300,
    };
    expect(costOf(usage, withReasoning)).toBe((600 * 2 + 400 * 0.5 + 200 * 8 + 300 * 12) * 1);
  });

  it('prices cache writes and rounds up once', () => {
    const anthropic = {
      input: 3_000_000,
      output: 15_000_000,
      cachedInput: 300_000,
      cacheWrite: 3_750_000,
    };
    expect(costOf({ inputTokens: 1000, cacheWriteTokens: 1000, outputTokens: 0 }, anthropic)).toBe(
      3750,
    );
    expect(costOf({ inputTokens: 1, outputTokens: 0 }, { input: 150_000, output: 0 })).toBe(1);
  });

  it('applies the long-context tier to the whole request', () => {
    const gemini = {
      input: 1_250_000,
      output: 5_000_000,
      tiers: [{ aboveInputTokens: 128_000, input: 2_500_000, output: 10_000_000 }],
    };
    expect(costOf({ inputTokens: 128_000, outputTokens: 1000 }, gemini)).toBe(160_000 + 5_000);
    expect(costOf({ inputTokens: 200_000, outputTokens: 1000 }, gemini)).toBe(500_000 + 10_000);
  });
});

describe('createPriceBook', () => {
  const book = createPriceBook({
    providers: {
      corp: { catalogProvider: 'openai', aliases: { fast: 'gpt-4o-mini' } },
      custom: { models: { 'my-model': { inputPerMillionUsd: 1, outputPerMillionUsd: 2 } } },
      override: { catalogProvider: 'openai', models: { 'gpt-4.1': { outputPerMillionUsd: 9 } } },
      box: { local: true, costPerHourUsd: 3.6 },
    },
  });

  it('resolves catalog prices, dated ids and aliases', () => {
    const plain = book.resolve({
      providerId: 'openai',
      providerType: 'openai',
      model: 'gpt-4o-mini',
    });
    const dated = book.resolve({
      providerId: 'openai',
      providerType: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
    });
    const alias = book.resolve({ providerId: 'corp', providerType: 'mock', model: 'fast' });
    for (const resolution of [plain, dated, alias]) {
      expect(resolution).toMatchObject({
        status: 'priced',
        price: { input: 150_000, output: 600_000 },
      });
    }
    const claude = book.resolve({
      providerId: 'anthropic',
      providerType: 'anthropic',
      model: 'claude-3-5-sonnet-20241022',
    });
    expect(claude).toMatchObject({
      status: 'priced',
      price: { cacheWrite: 3_750_000, cachedInput: 300_000 },
    });
    const groq = book.resolve({
      providerId: 'groq',
      providerType: 'groq',
      model: 'llama-3.1-8b-instant',
    });
    expect(groq).toMatchObject({ status: 'priced', price: { input: 50_000, output: 80_000 } });
  });

  it('reads long-context tiers from the catalog', () => {
    const gemini = book.resolve({
      providerId: 'google',
      providerType: 'google',
      model: 'gemini-1.5-pro',
    });
    expect(gemini).toMatchObject({
      status: 'priced',
      price: { tiers: [{ aboveInputTokens: 127_999, input: 2_500_000 }] },
    });
  });

  it('applies config overrides over the catalog', () => {
    expect(book.resolve({ providerId: 'custom', model: 'my-model' })).toMatchObject({
      status: 'priced',
      source: 'config',
      price: { input: 1_000_000, output: 2_000_000 },
    });
    expect(book.resolve({ providerId: 'override', model: 'gpt-4.1' })).toMatchObject({
      price: { input: 2_000_000, output: 9_000_000 },
    });
  });

  it('flags unknown models as unpriced, never $0', () => {
    const unknown = book.resolve({
      providerId: 'openai',
      providerType: 'openai',
      model: 'no-such-model-xyz',
    });
    expect(unknown.status).toBe('unpriced');
  });

  it('treats local runtimes as free unless an hourly cost is set', () => {
    expect(book.resolve({ providerId: 'ollama', providerType: 'ollama', model: 'llama3' })).toEqual(
      { status: 'local' },
    );
    expect(book.resolve({ providerId: 'box', model: 'x' })).toEqual({
      status: 'local',
      costPerHourMicros: 3_600_000,
    });
  });
});

describe('LocalRuntimeMeter', () => {
  it('charges the elapsed time since the previous request, capped', () => {
    const meter = new LocalRuntimeMeter(60_000);
    const hourly = 3_600_000; // $3.60/h = 1 micro per ms
    expect(meter.charge('d', hourly, 10_000, 2_000)).toBe(2_000);
    expect(meter.charge('d', hourly, 15_000, 1_000)).toBe(5_000);
    expect(meter.charge('d', hourly, 1_000_000, 1_000)).toBe(60_000);
    expect(meter.charge('other', hourly, 1_000_000, 500_000)).toBe(60_000);
  });
});
