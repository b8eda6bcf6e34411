import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequests, type Stack, startStack } from './start-stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const upstream of [stack.primary, stack.backup]) {
    upstream.clearFaults();
    upstream.clearRequests();
  }
});

const hello = [{ role: 'user' as const, content: 'Hello there gateway' }];

describe('the official openai client against the gateway', () => {
  it('gets a chat completion with the alias as model and x-loom headers', async () => {
    const { data, response } = await stack.client.chat.completions
      .create({ model: 'chat', messages: hello })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('chat');
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-loom-provider')).toBe('primary');
    expect(response.headers.get('x-loom-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-loom-attempts')).toBe('1');
    expect(response.headers.get('x-loom-cache')).toBe('miss');
    expect(response.headers.get('x-loom-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('streams with include_usage: role first, a usage chunk with no choices last', async () => {
    const stream = await stack.client.chat.completions.create({
      model: 'chat',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams tool-call deltas with index, id, type and function', async () => {
    const stream = await stack.client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      stream: true,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    let args = '';
    let first: { id?: string; type?: string; name?: string } | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        expect(call.index).toBe(0);
        first ??= { id: call.id, type: call.type, name: call.function?.name };
        args += call.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(first?.id).toBeTruthy();
    expect(first).toMatchObject({ type: 'function', name: 'get_weather' });
    expect(JSON.parse(args)).toHaveProperty('city');
    expect(finish).toBe('tool_calls');
  });

  it('completes a tool-call round trip: call, tool result, final answer', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      },
    ];
    const question = { role: 'user' as const, content: 'Weather in Paris?' };
    const first = await stack.client.chat.completions.create({
      model: 'chat',
      messages: [question],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(call.function.arguments)).toHaveProperty('city');
    const second = await stack.client.chat.completions.create({
      model: 'chat',
      messages: [
        question,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature":21}' },
      ],
      tools,
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content).toBe('Weather in Paris?');
    const sent = chatRequests(stack.primary).at(-1)?.body as { messages: unknown[] };
    expect(sent.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      expect.objectContaining({
        role: 'assistant',
        tool_calls: [expect.objectContaining({ id: call.id })],
      }),
      { role: 'tool', tool_call_id: call.id, content: '{"temperature":21}' },
    ]);
  });

  it('passes response_format json_object and returns JSON text', async () => {
    const data = await stack.client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Answer in JSON' }],
      response_format: { type: 'json_object' },
    });
    expect(() => JSON.parse(data.choices[0]?.message.content ?? '')).not.toThrow();
    expect(chatRequests(stack.primary)[0]?.body).toMatchObject({
      response_format: { type: 'json_object' },
    });
  });

  it('embeds a list of inputs', async () => {
    const data = await stack.client.embeddings.create({ model: 'embed', input: ['one', 'two'] });
    expect(data.object).toBe('list');
    expect(data.model).toBe('embed');
    expect(data.data.map((entry) => entry.index)).toEqual([0, 1]);
    expect(data.data[0]?.embedding.length).toBeGreaterThan(8);
  });

  it('lists aliases and provider/model deployments', async () => {
    const ids = [];
    for await (const model of stack.client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'chat',
        'embed',
        'primary/gpt-4o-mini',
        'gpu/meta-llama/Llama-3.1-8B-Instruct',
      ]),
    );
    expect(ids.some((id) => id.startsWith('local/'))).toBe(true);
  });

  it('fails over invisibly when the first upstream answers 503', async () => {
    stack.primary.inject({
      fault: { type: 'status', status: 503 },
      path: '/v1/chat/completions',
      times: 1,
    });
    const { data, response } = await stack.client.chat.completions
      .create({ model: 'chat', messages: hello })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get('x-loom-attempts')).toBe('2');
    expect(response.headers.get('x-loom-provider')).toBe('backup');
  });
});
