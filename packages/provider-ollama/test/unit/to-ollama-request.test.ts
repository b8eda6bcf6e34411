import { type ChatRequest, InvalidRequestError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { toOllamaChatRequest } from '../../src/chat/to-ollama-request.js';
import { toOllamaEmbedRequest } from '../../src/embed/embed.js';

import {
  DOCS_HISTORY_REQUEST,
  DOCS_STRUCTURED_REQUEST,
  DOCS_TOOLS_REQUEST,
} from '../helpers/docs-requests.js';

const parameters = JSON.parse(DOCS_TOOLS_REQUEST).tools[0].function.parameters;

describe('toOllamaChatRequest', () => {
  it('builds the docs tools request from Loom tools', () => {
    const request: ChatRequest = {
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'What is the weather today in Paris?' }],
      tools: [
        {
          type: 'function',
          name: 'get_current_weather',
          description: 'Get the current weather for a location',
          parameters,
        },
      ],
    };
    expect(toOllamaChatRequest(request, false)).toEqual(JSON.parse(DOCS_TOOLS_REQUEST));
  });

  it('builds the docs structured output request from a json_schema format', () => {
    const docs = JSON.parse(DOCS_STRUCTURED_REQUEST);
    const request: ChatRequest = {
      model: 'llama3.1',
      messages: docs.messages,
      responseFormat: { type: 'json_schema', name: 'person', schema: docs.format },
      temperature: 0,
    };
    expect(toOllamaChatRequest(request, false)).toEqual(docs);
  });

  it('builds the docs history request, streaming', () => {
    const docs = JSON.parse(DOCS_HISTORY_REQUEST);
    const request: ChatRequest = { model: 'llama3.2', messages: docs.messages };
    expect(toOllamaChatRequest(request, true)).toEqual({ ...docs, stream: true });
  });

  it('sends format "json" for json_object and nothing for text', () => {
    const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    expect(
      toOllamaChatRequest({ ...base, responseFormat: { type: 'json_object' } }, true).format,
    ).toBe('json');
    expect(
      toOllamaChatRequest({ ...base, responseFormat: { type: 'text' } }, true),
    ).not.toHaveProperty('format');
  });

  it('maps sampling fields to options and keeps only known provider options', () => {
    const body = toOllamaChatRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        temperature: 0.2,
        topP: 0.9,
        maxTokens: 64,
        stop: ['\n', 'user:'],
        seed: 42,
        providerOptions: {
          ollama: {
            num_ctx: 8192,
            top_k: 20,
            temperature: 1.5,
            keep_alive: '10m',
            think: true,
            api_base: 'http://evil',
            base_url: 'x',
          },
          openai: { temperature: 2 },
        },
      },
      false,
      { keepAlive: '5m' },
    );
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      options: {
        num_ctx: 8192,
        top_k: 20,
        temperature: 0.2,
        top_p: 0.9,
        num_predict: 64,
        stop: ['\n', 'user:'],
        seed: 42,
      },
      stream: false,
      keep_alive: '10m',
      think: true,
    });
  });

  it('sends the settings keep_alive when the request has none', () => {
    const body = toOllamaChatRequest(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      true,
      { keepAlive: 300 },
    );
    expect(body.keep_alive).toBe(300);
    expect(body).not.toHaveProperty('options');
  });

  it('accepts provider options nested under "options"', () => {
    const body = toOllamaChatRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        providerOptions: { ollama: { options: { num_ctx: 2048, bogus: 1 } } },
      },
      true,
    );
    expect(body.options).toEqual({ num_ctx: 2048 });
  });

  it('turns data: URL images into base64 images and joins text parts', () => {
    // The first bytes of the docs' llava example image.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAG0AAABmCAYAAADBPx+VAAAACXBIWXMAAAsTAAAL';
    const body = toOllamaChatRequest(
      {
        model: 'llava',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is in this image?' },
              { type: 'image', url: `data:image/png;base64,${png}` },
              { type: 'image', url: 'data:text/plain,hi%20there' },
            ],
          },
        ],
      },
      true,
    );
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: 'what is in this image?',
        images: [png, Buffer.from('hi there').toString('base64')],
      },
    ]);
  });

  it('refuses http(s) image URLs instead of fetching them', () => {
    const request: ChatRequest = {
      model: 'llava',
      messages: [
        { role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }] },
      ],
    };
    try {
      toOllamaChatRequest(request, true);
      expect.unreachable();
    } catch (error) {
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).issues[0]?.path).toBe('messages.0.content.0.url');
    }
  });

  it('sends assistant tool calls with object arguments and names tool results', () => {
    const body = toOllamaChatRequest(
      {
        model: 'llama3.2',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [
              {
                id: 'call_1',
                name: 'get_current_weather',
                arguments: '{"location":"Paris, FR","format":"celsius"}',
              },
            ],
          },
          { role: 'tool', toolCallId: 'call_1', content: '{"temperature":22}' },
          { role: 'tool', toolCallId: 'unknown', content: 'orphan' },
        ],
      },
      true,
    );
    expect(body.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'weather in Paris?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            function: {
              name: 'get_current_weather',
              arguments: { location: 'Paris, FR', format: 'celsius' },
            },
          },
        ],
      },
      { role: 'tool', content: '{"temperature":22}', tool_name: 'get_current_weather' },
      { role: 'tool', content: 'orphan' },
    ]);
  });

  it('refuses tool call arguments that are not a JSON object', () => {
    for (const args of ['not json', '[1,2]']) {
      const request: ChatRequest = {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: null,
            toolCalls: [{ id: 'c', name: 'f', arguments: args }],
          },
        ],
      };
      expect(() => toOllamaChatRequest(request, true)).toThrow(
        /messages\.0\.toolCalls\.0\.arguments/,
      );
    }
  });

  it('follows toolChoice: none sends no tools, a named tool only that one', () => {
    const tools = [
      { type: 'function' as const, name: 'a', parameters: { type: 'object' } },
      { type: 'function' as const, name: 'b', parameters: { type: 'object' } },
    ];
    const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'x' }], tools };
    expect(toOllamaChatRequest({ ...base, toolChoice: 'none' }, true)).not.toHaveProperty('tools');
    expect(
      toOllamaChatRequest({ ...base, toolChoice: { type: 'tool', name: 'b' } }, true).tools?.map(
        (tool) => tool.function.name,
      ),
    ).toEqual(['b']);
    expect(toOllamaChatRequest({ ...base, toolChoice: 'required' }, true).tools).toHaveLength(2);
  });
});

describe('toOllamaEmbedRequest', () => {
  it('always sends input as a list, with dimensions, keep_alive and known options', () => {
    expect(
      toOllamaEmbedRequest(
        {
          model: 'all-minilm',
          input: ['Why is the sky blue?', 'Why is the grass green?'],
          dimensions: 256,
          providerOptions: { ollama: { truncate: false, num_ctx: 512, evil: true } },
        },
        '5m',
      ),
    ).toEqual({
      model: 'all-minilm',
      input: ['Why is the sky blue?', 'Why is the grass green?'],
      dimensions: 256,
      truncate: false,
      keep_alive: '5m',
      options: { num_ctx: 512 },
    });
  });
});
