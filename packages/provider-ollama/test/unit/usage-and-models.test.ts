import { loadTokenCounter, roughTokenCount } from '@loom/provider-utils';
import { describe, expect, it } from 'vitest';
import { findOverride, toModelInfo } from '../../src/models/list-models.js';
import { guessCapabilities } from '../../src/models/model-capabilities.js';
import { canonicalModelName, ModelState } from '../../src/models/model-state.js';
import { COLD_START_THRESHOLD_MS, nsToMs, ollamaMetadata } from '../../src/usage/durations.js';
import { chatUsage, embedUsage, loadChatUsage } from '../../src/usage/ollama-usage.js';

describe('durations', () => {
  it('converts nanoseconds to milliseconds to the microsecond', () => {
    expect(nsToMs(4_883_583_458)).toBe(4883.583);
    expect(nsToMs(1_334_875)).toBe(1.335);
    expect(nsToMs(0)).toBe(0);
  });

  it('marks a cold start above the threshold only', () => {
    const at = (ms: number) => ollamaMetadata({ load_duration: ms * 1e6 }).coldStart;
    expect(at(COLD_START_THRESHOLD_MS + 1)).toBe(true);
    expect(at(COLD_START_THRESHOLD_MS)).toBe(false);
    expect(ollamaMetadata({}).coldStart).toBe(false);
  });
});

describe('usage', () => {
  it('estimates chat usage only when a count is missing', async () => {
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hello world' }] };
    expect(await loadChatUsage(request, 'Hi there', { promptEvalCount: 5, evalCount: 2 })).toEqual({
      inputTokens: 5,
      outputTokens: 2,
      totalTokens: 7,
      estimated: false,
    });
    expect(await loadChatUsage(request, 'Hi there', {})).toEqual({
      inputTokens: 9,
      outputTokens: 2,
      totalTokens: 11,
      estimated: true,
    });
    expect(await embedUsage(['Hello world', 'Hi'])).toEqual({
      inputTokens: 3,
      outputTokens: 0,
      totalTokens: 3,
      estimated: true,
    });
  });

  it('keeps a reported count and estimates only the missing one, with the given counter', async () => {
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hello world' }] };
    expect(chatUsage(request, 'Hi there', { evalCount: 7 }, roughTokenCount)).toEqual({
      inputTokens: 3 + 4 + 3,
      outputTokens: 7,
      totalTokens: 17,
      estimated: true,
    });
    const count = await loadTokenCounter();
    expect(chatUsage(request, 'Hi there', { promptEvalCount: 4 }, count)).toMatchObject({
      inputTokens: 4,
      outputTokens: count('Hi there'),
    });
  });
});

describe('capabilities', () => {
  it.each([
    [{ name: 'nomic-embed-text:latest', family: 'nomic-bert' }, { embeddings: true }],
    [{ name: 'mxbai-embed-large:latest', family: 'bert' }, { embeddings: true }],
    [{ name: 'all-minilm:latest' }, { embeddings: true }],
    [
      { name: 'llama3.2:latest', family: 'llama' },
      { chat: true, streaming: true, jsonSchema: true, tools: true },
    ],
    [
      { name: 'llava:7b', family: 'llama', families: ['llama', 'clip'] },
      { chat: true, streaming: true, jsonSchema: true, vision: true },
    ],
    [
      { name: 'qwen3:8b', family: 'qwen3' },
      { chat: true, streaming: true, jsonSchema: true, tools: true, reasoning: true },
    ],
    [
      { name: 'phi:2.7b', family: 'phi2' },
      { chat: true, streaming: true, jsonSchema: true },
    ],
    [
      { name: 'custom', capabilities: ['completion', 'vision'] },
      { chat: true, streaming: true, jsonSchema: true, vision: true },
    ],
    [{ name: 'custom-embedder', capabilities: ['embedding'] }, { embeddings: true }],
  ])('guesses %j', (model, expected) => {
    expect(guessCapabilities(model)).toEqual(expected);
  });
});

describe('toModelInfo', () => {
  const entry = {
    name: 'llama3.2:latest',
    model: 'llama3.2:latest',
    details: { family: 'llama', families: ['llama'] },
  };

  it('takes the context window from /api/ps and marks loaded models', () => {
    const running = new Map([
      ['llama3.2:latest', { name: 'llama3.2:latest', context_length: 8192 }],
    ]);
    expect(toModelInfo(entry, running, undefined)).toEqual({
      id: 'llama3.2:latest',
      contextWindow: 8192,
      capabilities: { chat: true, streaming: true, jsonSchema: true, tools: true },
      loaded: true,
    });
    expect(toModelInfo(entry, new Map(), undefined)?.loaded).toBe(false);
    expect(toModelInfo(entry, undefined, undefined)).not.toHaveProperty('loaded');
  });

  it('lets overrides win, matched with or without the tag', () => {
    const overrides = {
      'llama3.2': {
        contextWindow: 131072,
        maxOutputTokens: 2048,
        capabilities: { tools: false, vision: true },
      },
    };
    const override = findOverride(overrides, 'llama3.2:latest');
    expect(toModelInfo(entry, undefined, override)).toEqual({
      id: 'llama3.2:latest',
      contextWindow: 131072,
      maxOutputTokens: 2048,
      capabilities: { chat: true, streaming: true, jsonSchema: true, tools: false, vision: true },
    });
  });

  it('skips entries without a name', () => {
    expect(toModelInfo({ details: {} }, undefined, undefined)).toBeUndefined();
  });
});

describe('ModelState', () => {
  it('knows nothing before a reading, then what the reading says', () => {
    const state = new ModelState();
    expect(state.isLoaded('llama3.2')).toBeUndefined();
    state.update([
      { name: 'llama3.2:latest', expires_at: new Date(Date.now() + 60_000).toISOString() },
    ]);
    expect(state.isLoaded('llama3.2')).toBe(true);
    expect(state.isLoaded('llama3.2:latest')).toBe(true);
    expect(state.isLoaded('qwen3')).toBe(false);
  });

  it('lets expiries run out and answers mark a model loaded', () => {
    const state = new ModelState();
    const now = 1_000_000;
    state.update(
      [{ name: 'a', expires_at: new Date(now + 10).toISOString() }, { model: 'b' }],
      now,
    );
    expect(state.isLoaded('a', now + 20)).toBe(false);
    expect(state.isLoaded('b', now + 1e9)).toBe(true);
    state.markLoaded('c', 0, now);
    expect(state.isLoaded('c', now)).toBe(false);
    state.markLoaded('c', 5_000, now);
    expect(state.isLoaded('c', now + 1_000)).toBe(true);
  });

  it('treats names with and without :latest alike, namespaces included', () => {
    expect(canonicalModelName('llama3.2')).toBe('llama3.2:latest');
    expect(canonicalModelName('hf.co/org/model:Q4_K_M')).toBe('hf.co/org/model:Q4_K_M');
    expect(canonicalModelName('localhost:5000/library/x')).toBe('localhost:5000/library/x:latest');
  });
});
