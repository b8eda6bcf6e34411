import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedUpstream } from '../../src/upstreams/simulated-upstream.js';
import { startOpenAIServer } from '../../src/upstreams/start-openai-server.js';
import { startVllmServer } from '../../src/upstreams/start-vllm-server.js';

const API_KEY = 'sk-simulated-client-key-0001';
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

interface Wire {
  name: string;
  start: () => Promise<SimulatedUpstream>;
  chatModel: string;
  embeddingModel: string;
  dimensions: number;
  notFoundCode: unknown;
}

const wires: Wire[] = [
  {
    name: 'OpenAI',
    start: () => startOpenAIServer({ apiKey: API_KEY }),
    chatModel: 'gpt-4o-mini',
    embeddingModel: 'text-embedding-3-small',
    dimensions: 1536,
    notFoundCode: 'model_not_found',
  },
  {
    name: 'vLLM',
    start: () => startVllmServer({ apiKey: API_KEY }),
    chatModel: 'meta-llama/Llama-3.1-8B-Instruct',
    embeddingModel: 'BAAI/bge-small-en',
    dimensions: 384,
    notFoundCode: 404,
  },
];

let upstream: SimulatedUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

describe.each(wires)('the official openai client against the $name simulator', (wire) => {
  async function client(apiKey = API_KEY) {
    upstream = await wire.start();
    return new OpenAI({ baseURL: upstream.baseURL, apiKey, maxRetries: 0, timeout: 10_000 });
  }
  const messages = [{ role: 'user' as const, content: 'Hello from the official client' }];

  it('creates a chat completion', async () => {
    const openai = await client();
    const completion = await openai.chat.completions.create({ model: wire.chatModel, messages });
    expect(completion.choices[0]?.message.content).toBe('Hello from the official client');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 7,
      completion_tokens: 7,
      total_tokens: 14,
    });
  });

  it('streams with include_usage and reads the usage chunk', async () => {
    const openai = await client();
    const stream = await openai.chat.completions.create({
      model: wire.chatModel,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    const finishes: string[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from the official client');
    expect(finishes).toEqual(['stop']);
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 7, total_tokens: 14 });
  });

  it('streams tool-call deltas that assemble into one call', async () => {
    const openai = await client();
    const stream = await openai.chat.completions.create({
      model: wire.chatModel,
      messages,
      tools: [weatherTool],
      tool_choice: 'required',
      stream: true,
    });
    const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { arguments: '' };
        call.id ??= delta.id;
        call.name ??= delta.function?.name;
        call.arguments += delta.function?.arguments ?? '';
        calls.set(delta.index, call);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect([...calls.values()]).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
  });

  it('creates embeddings (base64 on the wire, decoded by the client) and lists models', async () => {
    const openai = await client();
    const result = await openai.embeddings.create({
      model: wire.embeddingModel,
      input: ['a', 'b c'],
    });
    expect(result.data.map((item) => item.embedding.length)).toEqual([
      wire.dimensions,
      wire.dimensions,
    ]);
    expect(result.usage.prompt_tokens).toBe(4);
    const short = await openai.embeddings.create({
      model: wire.embeddingModel,
      input: 'a',
      dimensions: 4,
    });
    expect(short.data[0]?.embedding).toHaveLength(4);
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toEqual([wire.chatModel, wire.embeddingModel]);
  });

  it('surfaces errors as APIError with the right status and code', async () => {
    const openai = await client();
    const missing = await openai.chat.completions
      .create({ model: 'no-such-model', messages })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: wire.notFoundCode });
    const wrongKey = new OpenAI({ baseURL: upstream!.baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
    const denied = await wrongKey.models.list().catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    upstream!.inject({
      fault: { type: 'status', status: 429, headers: { 'retry-after': '2' } },
      times: 1,
    });
    const limited = await openai.chat.completions
      .create({ model: wire.chatModel, messages })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe(
      '2',
    );
    upstream!.inject({
      fault: { type: 'in-band-error', afterChunks: 1, message: 'engine died' },
      times: 1,
    });
    const stream = await openai.chat.completions.create({
      model: wire.chatModel,
      messages,
      stream: true,
    });
    const inBand = await (async () => {
      for await (const _chunk of stream) {
        // Read until the in-band error is thrown.
      }
    })().catch((error: unknown) => error);
    expect(inBand).toBeInstanceOf(OpenAI.APIError);
    expect((inBand as Error).message).toContain('engine died');
  });
});
