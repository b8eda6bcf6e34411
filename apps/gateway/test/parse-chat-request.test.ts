import { describe, expect, it } from 'vitest';
import { GatewayError } from '../src/errors/gateway-error.js';
import { parseChatRequest } from '../src/wire/parse-chat-request.js';

describe('parseChatRequest', () => {
  it('translates messages, tools, formats and sampling options', () => {
    const { request, stream, includeUsage } = parseChatRequest({
      model: 'chat',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '42' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'r', schema: { type: 'object' }, strict: true },
      },
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
      seed: 7,
      user: 'u-1',
      metadata: { team: 'search' },
    });
    expect(stream).toBe(true);
    expect(includeUsage).toBe(true);
    expect(request).toEqual({
      model: 'chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', url: 'https://x/y.png', detail: 'low' },
          ],
        },
        { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'c1', content: '42' },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      toolChoice: 'required',
      responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true },
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 20,
      stop: ['END'],
      seed: 7,
      metadata: { user: 'u-1', tags: { team: 'search' } },
    });
  });

  it('names a nested unknown field', () => {
    const run = () =>
      parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'x', colour: 'red' }] });
    expect(run).toThrow(GatewayError);
    expect(run).toThrow("'messages.0.colour'");
  });

  it('finds a key smuggled 100,000 levels down extra_body without overflowing the stack', () => {
    let extra: unknown = { api_base: 'http://evil' };
    for (let level = 0; level < 100_000; level++) extra = [extra];
    const run = () => parseChatRequest({ model: 'm', messages: [], extra_body: extra });
    expect(run).toThrow(GatewayError);
    expect(run).toThrow(/^'extra_body\.0\.0\.0.*… \(200019 characters\)' is not allowed/);
  });

  it('refuses routing overrides in any spelling', () => {
    for (const key of ['api_base', 'baseURL', 'api_key', 'apiKey']) {
      expect(() =>
        parseChatRequest({ model: 'm', messages: [], nested: [{ [key]: 'x' }] }),
      ).toThrow(`'nested.0.${key}' is not allowed`);
    }
  });
});
