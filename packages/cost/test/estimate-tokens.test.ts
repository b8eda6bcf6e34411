import type { ChatRequest, Deployment } from '@loom/core';
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { computeChatCompletionTokenCount } from 'gpt-tokenizer/functionCalling';
import { describe, expect, it } from 'vitest';
import { countInputTokens, inputTokenBound } from '../src/budgets/estimate-tokens.js';
import { encodingOf, type TokenCounter, Tokenizers } from '../src/budgets/tokenizers.js';
import { WorstCases } from '../src/budgets/worst-cases.js';
import { DeploymentPricer } from '../src/pricing/deployment-pricer.js';
import { LocalRuntimeMeter } from '../src/pricing/local-runtime-meter.js';
import { createPriceBook } from '../src/pricing/price-book.js';

const SAMPLES = {
  english: 'Summarise the quarterly report for the board and list three risks.',
  chinese: '蒹葭蒼蒼白露為霜所謂伊人在水一方溯洄從之道阻且長溯游從之宛在水中央',
  japanese: '東京都の天気予報によると、明日は晴れのち曇りです。',
  emoji: '🎉🚀👩‍👩‍👧‍👦🇯🇵 ok ✅',
  code: 'for (let i = 0; i < n; i++) { sum += a[i] ** 2; } // 0x1F\t\t\n\n',
  specialLooking: 'text <|endoftext|> and <|im_start|>system',
  random: 'q8Zx#kV!p2@Lm$9^wR&tY*uI(oP)aS-dF_gH+jK=lZ',
};

function chat(text: string): ChatRequest {
  return {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: text, name: 'alice' },
      { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c1', content: text },
    ],
    tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} } }],
  };
}

/** What OpenAI bills for `chat(text)` (gpt-tokenizer's port of its accounting, tools included). */
function openAiCount(text: string, count: TokenCounter): number {
  return computeChatCompletionTokenCount(
    {
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: text, name: 'alice' },
        { role: 'assistant', content: '', function_call: { name: 'f', arguments: '{}' } },
        { role: 'tool', content: text },
      ],
      functions: [{ name: 'f', parameters: { type: 'object', properties: {} } }],
    },
    count,
  );
}

const plain = { disallowedSpecial: new Set<string>() };

describe('input token bounds', () => {
  it.each(Object.entries(SAMPLES))(
    'bounds %s by UTF-8 bytes at or above both public encodings',
    (_name, text) => {
      const bound = inputTokenBound(chat(text));
      expect(bound).toBeGreaterThanOrEqual(openAiCount(text, (part) => o200k(part, plain)));
      expect(bound).toBeGreaterThanOrEqual(openAiCount(text, (part) => cl100k(part, plain)));
      const counted = countInputTokens(chat(text), (part) => o200k(part, plain));
      expect(counted).toBeGreaterThanOrEqual(openAiCount(text, (part) => o200k(part, plain)));
      expect(counted).toBeLessThanOrEqual(bound);
    },
  );

  it('counts embedding inputs and a response schema', () => {
    expect(inputTokenBound({ model: 'e', input: ['ab', 'ü'] })).toBe(2 + 2 + 8 * 2 + 8);
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const request: ChatRequest = {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      responseFormat: { type: 'json_schema', name: 'reply', schema },
    };
    expect(inputTokenBound(request)).toBe(2 + 5 + JSON.stringify(schema).length + 8 + 8);
  });

  it.each([
    ['gpt-4o-mini', 'o200k_base'],
    ['chatgpt-4o-latest', 'o200k_base'],
    ['gpt-4.1-nano', 'o200k_base'],
    ['gpt-5', 'o200k_base'],
    ['o1', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['openai/gpt-oss-120b', 'o200k_base'],
    ['ft:gpt-4o-mini:acme::abc123', 'o200k_base'],
    ['gpt-4', 'cl100k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['text-embedding-3-small', 'cl100k_base'],
    ['llama3.2', undefined],
    ['claude-sonnet-4-5', undefined],
    ['omni', undefined],
  ])('knows the encoding of %s: %s', (model, encoding) => {
    expect(encodingOf(model)).toBe(encoding);
  });
});

const pricer = new DeploymentPricer(
  createPriceBook({
    providers: { p: { models: { 'gpt-4o': { inputPerMillionUsd: 1, outputPerMillionUsd: 1 } } } },
  }),
  () => 'openai',
  new LocalRuntimeMeter(),
  300_000,
);
const gpt4o: Deployment = { id: 'p/gpt-4o', providerId: 'p', model: 'gpt-4o' };
const llama: Deployment = { id: 'p/llama3', providerId: 'p', model: 'llama3' };

function worstCases(request: ChatRequest, tokenizers: Tokenizers) {
  const usage = { inputTokens: inputTokenBound(request), outputTokens: 0 };
  return new WorstCases(pricer, request, usage, tokenizers);
}

describe('worst cases', () => {
  it('replace the byte bound with the tokenizer count of known families only', async () => {
    const request = chat(SAMPLES.chinese);
    const worst = worstCases(request, new Tokenizers());
    expect(worst.of(gpt4o).costMicros).toBe(inputTokenBound(request));
    expect(await worst.tighten([gpt4o, llama])).toBe(true);
    expect(worst.of(gpt4o).costMicros).toBe(
      countInputTokens(request, (text) => o200k(text, plain)),
    );
    expect(worst.of(gpt4o).costMicros).toBeLessThan(inputTokenBound(request));
    expect(await worst.tighten([gpt4o])).toBe(false);
  });

  it('keep the byte bound, and load nothing, for a family without a public tokenizer', async () => {
    let loads = 0;
    const worst = worstCases(
      chat('hi'),
      new Tokenizers(async () => {
        loads += 1;
        return () => 0;
      }),
    );
    expect(await worst.tighten([llama])).toBe(false);
    expect(loads).toBe(0);
  });

  it.each([
    ['rejects', async () => Promise.reject(new Error('no encoding'))],
    [
      'throws',
      () => {
        throw new Error('no encoding');
      },
    ],
    [
      'counts by throwing',
      async () => () => {
        throw new Error('bad text');
      },
    ],
  ] as const)('keep the byte bound when the tokenizer %s', async (_how, load) => {
    const tokenizers = new Tokenizers(load as () => Promise<TokenCounter>);
    const worst = worstCases(chat(SAMPLES.english), tokenizers);
    const bound = worst.of(gpt4o).costMicros;
    expect(await worst.tighten([gpt4o])).toBe(false);
    expect(worst.of(gpt4o).costMicros).toBe(bound);
  });
});
