import type { ChatRequest } from '@loom/core';
import { InvalidRequestError } from '@loom/core';
import { type SimulatedUpstream, startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAI, type OpenAIProvider } from '../src/index.js';
import { callContext, collect, rejectionOf } from './helpers.js';

let upstream: SimulatedUpstream;
let provider: OpenAIProvider;

beforeAll(async () => {
  upstream = await startOpenAIServer();
  provider = createOpenAI({
    baseURL: upstream.baseURL,
    apiKey: 'sk-body-test',
    organization: 'org-loom',
    project: 'proj-loom',
    headers: { 'X-Team': 'search' },
  });
});

beforeEach(() => upstream.clearRequests());

afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});

const full: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      name: 'ada',
      content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image', url: 'https://example.com/cat.png', detail: 'low' },
        { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', mediaType: 'image/png' },
      ],
    },
    {
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' }],
    },
    { role: 'tool', toolCallId: 'call_1', content: '{"answer":"a cat"}' },
    { role: 'assistant', content: 'A cat.' },
    { role: 'user', content: 'Thanks' },
  ],
  tools: [
    {
      type: 'function',
      name: 'lookup',
      description: 'Looks things up',
      parameters: { type: 'object', properties: { q: { type: 'string' } } },
      strict: true,
    },
  ],
  toolChoice: { type: 'tool', name: 'lookup' },
  responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
  temperature: 0.2,
  topP: 0.9,
  maxTokens: 50,
  stop: ['\n\n'],
  seed: 7,
  priority: 'cost',
  metadata: { user: 'u-1', sessionId: 's-1', tags: { team: 'search' } },
  providerOptions: {
    openai: { frequency_penalty: 0.5, user: 'end-user-1', not_a_real_option: true },
    ollama: { keep_alive: '5m' },
  },
};

const expectedBody = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      name: 'ada',
      content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '{"answer":"a cat"}' },
    { role: 'assistant', content: 'A cat.' },
    { role: 'user', content: 'Thanks' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'lookup',
        description: 'Looks things up',
        parameters: { type: 'object', properties: { q: { type: 'string' } } },
        strict: true,
      },
    },
  ],
  tool_choice: { type: 'function', function: { name: 'lookup' } },
  response_format: {
    type: 'json_schema',
    json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
  },
  temperature: 0.2,
  top_p: 0.9,
  max_tokens: 50,
  stop: ['\n\n'],
  seed: 7,
  frequency_penalty: 0.5,
  user: 'end-user-1',
};

describe('the request sent upstream', () => {
  it('is exactly the mapped body for doChat', async () => {
    await provider.doChat(full, callContext());
    expect(upstream.requests).toHaveLength(1);
    const [recorded] = upstream.requests;
    expect(recorded?.path).toBe('/v1/chat/completions');
    expect(recorded?.body).toStrictEqual(expectedBody);
  });

  it('adds stream and stream_options.include_usage for doStream', async () => {
    await collect(provider, full);
    expect(upstream.requests[0]?.body).toStrictEqual({
      ...expectedBody,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('sends only what a minimal request sets', async () => {
    await provider.doChat(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      callContext(),
    );
    expect(upstream.requests[0]?.body).toStrictEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('carries the key, organization, project and extra headers', async () => {
    await provider.doChat(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      callContext(),
    );
    expect(upstream.requests[0]?.headers).toMatchObject({
      authorization: 'Bearer sk-body-test',
      'openai-organization': 'org-loom',
      'openai-project': 'proj-loom',
      'x-team': 'search',
      'content-type': 'application/json',
    });
  });

  it('uses max_completion_tokens when configured to', async () => {
    const modern = createOpenAI({
      baseURL: upstream.baseURL,
      apiKey: 'sk-test',
      maxTokensField: 'max_completion_tokens',
    });
    await modern.doChat({ ...full, providerOptions: undefined }, callContext());
    await modern.close?.();
    const body = upstream.requests[0]?.body as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(50);
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('refuses base URLs and keys hidden in providerOptions, sending nothing', async () => {
    for (const options of [
      { api_base: 'http://evil.example' },
      { metadata: { nested: { base_url: 'http://evil.example' } } },
      { apiKey: 'sk-other' },
    ]) {
      const error = await rejectionOf(
        provider.doChat(
          {
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: 'hi' }],
            providerOptions: { openai: options },
          },
          callContext(),
        ),
      );
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ isRetryable: false, statusCode: 400 });
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it('finds a key hidden 20,000 levels deep without overflowing the stack, naming its path', async () => {
    let nested: Record<string, unknown> = { base_url: 'http://evil.example' };
    for (let level = 0; level < 20_000; level++) nested = { a: nested };
    const error = await rejectionOf(
      provider.doChat(
        {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'hi' }],
          providerOptions: { openai: { metadata: nested } as never },
        },
        callContext(),
      ),
    );
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).toContain('.a.a.base_url');
    expect(upstream.requests).toHaveLength(0);
  });

  it('sends the embeddings body with float encoding and dimensions', async () => {
    await provider.doEmbed!(
      { model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 8 },
      callContext(),
    );
    expect(upstream.requests[0]?.path).toBe('/v1/embeddings');
    expect(upstream.requests[0]?.body).toStrictEqual({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'float',
      dimensions: 8,
    });
  });
});
