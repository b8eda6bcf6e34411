import {
  type ChatRequest,
  chatResponseSchema,
  MalformedResponseError,
  ProviderCallError,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { fromOllamaResponse } from '../../src/chat/from-ollama-response.js';
import { fromOllamaEmbedResponse } from '../../src/embed/embed.js';
import {
  DOCS_CHAT_RESPONSE,
  DOCS_EMBED_MULTIPLE,
  DOCS_STRUCTURED_RESPONSE,
  DOCS_TOOLS_RESPONSE,
} from '../helpers/docs-examples.js';

const request: ChatRequest = {
  model: 'llama3.2',
  messages: [{ role: 'user', content: 'why is the sky blue?' }],
};
const context = { provider: 'ollama', secrets: [] };

describe('fromOllamaResponse', () => {
  it('maps the docs non-streamed answer, durations in ms', async () => {
    const response = await fromOllamaResponse(JSON.parse(DOCS_CHAT_RESPONSE), request, context);
    expect(response).toEqual({
      model: 'llama3.2',
      message: { role: 'assistant', content: 'Hello! How are you today?' },
      finishReason: 'stop',
      usage: { inputTokens: 26, outputTokens: 298, totalTokens: 324, estimated: false },
      providerMetadata: {
        ollama: {
          totalDurationMs: 5191.566,
          loadDurationMs: 2.154,
          promptEvalDurationMs: 383.809,
          evalDurationMs: 4799.921,
          coldStart: false,
        },
      },
    });
    expect(chatResponseSchema.safeParse(response).success).toBe(true);
  });

  it('flags a cold start when the load took long', async () => {
    const response = await fromOllamaResponse(
      JSON.parse(DOCS_STRUCTURED_RESPONSE),
      request,
      context,
    );
    expect(response.providerMetadata?.ollama).toMatchObject({
      loadDurationMs: 574.751,
      coldStart: true,
      doneReason: 'stop',
    });
    expect(response.message.content).toBe('{"age": 22, "available": false}');
  });

  it('maps a whole tool call with a generated id and arguments as JSON text', async () => {
    const response = await fromOllamaResponse(JSON.parse(DOCS_TOOLS_RESPONSE), request, context);
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message.content).toBeNull();
    expect(response.message.toolCalls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        name: 'get_current_weather',
        arguments: '{"format":"celsius","location":"Paris, FR"}',
      },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 122,
      outputTokens: 33,
      totalTokens: 155,
      estimated: false,
    });
  });

  it('estimates usage when the counts are missing', async () => {
    const body = {
      model: 'llama3.2',
      message: { role: 'assistant', content: 'The sky is blue because of Rayleigh scattering.' },
      done: true,
    };
    const response = await fromOllamaResponse(body, request, context);
    expect(response.usage.estimated).toBe(true);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThan(5);
    expect(response.usage.totalTokens).toBe(
      response.usage.inputTokens + response.usage.outputTokens,
    );
  });

  it('keeps a reported count and estimates only the missing one', async () => {
    const body = { message: { role: 'assistant', content: 'Hi' }, done: true, eval_count: 7 };
    const response = await fromOllamaResponse(body, request, context);
    expect(response.usage.outputTokens).toBe(7);
    expect(response.usage.estimated).toBe(true);
    expect(response.model).toBe('llama3.2');
  });

  it('maps done_reason length', async () => {
    const body = {
      message: { content: 'cut' },
      done: true,
      done_reason: 'length',
      prompt_eval_count: 1,
      eval_count: 1,
    };
    expect((await fromOllamaResponse(body, request, context)).finishReason).toBe('length');
  });

  it('throws the in-band error of an {"error"} body', async () => {
    const error = await fromOllamaResponse(
      { error: 'server busy, please try again.  maximum pending requests exceeded' },
      request,
      context,
    ).catch((caught: unknown) => caught);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'provider_unavailable', isRetryable: true });
  });

  it.each([
    ['a string'],
    [[1, 2]],
    [{ message: 'text' }],
    [{ message: { content: 5 } }],
    [{ done: 'yes' }],
  ])('refuses %j as malformed', async (body) => {
    const error = await fromOllamaResponse(body, request, context).catch(
      (caught: unknown) => caught,
    );
    expect(MalformedResponseError.isInstance(error)).toBe(true);
  });
});

describe('fromOllamaEmbedResponse', () => {
  it('maps the docs answer and estimates usage when prompt_eval_count is missing', async () => {
    const input = ['Why is the sky blue?', 'Why is the grass green?'];
    const response = await fromOllamaEmbedResponse(
      JSON.parse(DOCS_EMBED_MULTIPLE),
      { model: 'all-minilm', input },
      'ollama',
    );
    expect(response.model).toBe('all-minilm');
    expect(response.embeddings).toHaveLength(2);
    expect(response.embeddings[0]?.[0]).toBe(0.010071029);
    expect(response.usage.estimated).toBe(true);
    expect(response.usage.inputTokens).toBeGreaterThan(8);
    expect(response.usage.outputTokens).toBe(0);
  });

  it('uses prompt_eval_count when present', async () => {
    const response = await fromOllamaEmbedResponse(
      { embeddings: [[1, 2]], prompt_eval_count: 8 },
      { model: 'm', input: ['x'] },
      'ollama',
    );
    expect(response.usage).toEqual({
      inputTokens: 8,
      outputTokens: 0,
      totalTokens: 8,
      estimated: false,
    });
  });

  it('refuses a vector count that differs from the inputs', async () => {
    const error = await fromOllamaEmbedResponse(
      { embeddings: [[1]] },
      { model: 'm', input: ['a', 'b'] },
      'ollama',
    ).catch((caught: unknown) => caught);
    expect(MalformedResponseError.isInstance(error)).toBe(true);
  });
});
