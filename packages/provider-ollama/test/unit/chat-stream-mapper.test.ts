import {
  type ChatRequest,
  type ChatStreamPart,
  chatStreamPartSchema,
  MalformedResponseError,
  ProviderCallError,
} from '@loom/core';
import { describe, expect, it } from 'vitest';
import { ChatStreamMapper } from '../../src/chat/chat-stream-mapper.js';
import {
  DOCS_STREAM_FINAL,
  DOCS_STREAM_FIRST,
  DOCS_TOOLS_RESPONSE,
  ndjson,
} from '../helpers/docs-examples.js';

const request: ChatRequest = {
  model: 'llama3.2',
  messages: [{ role: 'user', content: 'why is the sky blue?' }],
};

function mapper() {
  return new ChatStreamMapper(request, 'ollama', (text) => text);
}

async function run(lines: string[]): Promise<ChatStreamPart[]> {
  const target = mapper();
  const parts = lines.flatMap((line) => target.push(line.trim()));
  parts.push(await target.finish());
  for (const part of parts) expect(chatStreamPartSchema.safeParse(part).success).toBe(true);
  return parts;
}

describe('ChatStreamMapper', () => {
  it('maps the docs stream: metadata, text, finish with usage and durations', async () => {
    const parts = await run([ndjson(DOCS_STREAM_FIRST), ndjson(DOCS_STREAM_FINAL)]);
    expect(parts).toEqual([
      { type: 'response-metadata', model: 'llama3.2' },
      { type: 'text-delta', delta: 'The' },
      {
        type: 'finish',
        finishReason: 'stop',
        usage: { inputTokens: 26, outputTokens: 282, totalTokens: 308, estimated: false },
        providerMetadata: {
          ollama: {
            totalDurationMs: 4883.583,
            loadDurationMs: 1.335,
            promptEvalDurationMs: 342.546,
            evalDurationMs: 4535.599,
            coldStart: false,
          },
        },
      },
    ]);
  });

  it('emits a whole tool call as one tool-call delta with an id', async () => {
    const parts = await run([ndjson(DOCS_TOOLS_RESPONSE)]);
    expect(parts[1]).toEqual({
      type: 'tool-call-delta',
      index: 0,
      id: expect.stringMatching(/^call_/),
      name: 'get_current_weather',
      argumentsDelta: '{"format":"celsius","location":"Paris, FR"}',
    });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('numbers tool calls across lines and gives each its own id', async () => {
    const call = (name: string) =>
      JSON.stringify({
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name, arguments: {} } }],
        },
        done: false,
      });
    const parts = await run([
      call('a'),
      call('b'),
      '{"done":true,"prompt_eval_count":1,"eval_count":2}',
    ]);
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas.map((part) => [part.index, part.name, part.argumentsDelta])).toEqual([
      [0, 'a', '{}'],
      [1, 'b', '{}'],
    ]);
    expect(new Set(deltas.map((part) => part.id)).size).toBe(2);
  });

  it('emits thinking as reasoning deltas and skips empty content', async () => {
    const parts = await run([
      '{"model":"qwen3","message":{"role":"assistant","content":"","thinking":"hmm"},"done":false}',
      '{"model":"qwen3","message":{"role":"assistant","content":"42"},"done":false}',
      '{"model":"qwen3","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":3,"eval_count":4}',
    ]);
    expect(parts.map((part) => part.type)).toEqual([
      'response-metadata',
      'reasoning-delta',
      'text-delta',
      'finish',
    ]);
  });

  it('estimates usage when the final line has no counts', async () => {
    const parts = await run([
      '{"model":"llama3.2","message":{"role":"assistant","content":"The sky is blue."},"done":false}',
      '{"model":"llama3.2","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":5}',
    ]);
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.usage).toMatchObject({ estimated: true });
    if (finish?.type !== 'finish' || !finish.usage) throw new Error('no usage');
    expect(finish.usage.inputTokens).toBeGreaterThan(0);
    expect(finish.usage.outputTokens).toBeGreaterThan(0);
  });

  it('ignores lines after the final one', () => {
    const target = mapper();
    target.push(ndjson(DOCS_STREAM_FINAL).trim());
    expect(target.done).toBe(true);
    expect(target.push('{"message":{"content":"late"}}')).toEqual([]);
  });

  it('throws an in-band error line as a coded ProviderCallError', () => {
    const target = mapper();
    target.push(ndjson(DOCS_STREAM_FIRST).trim());
    try {
      target.push('{"error":"an error was encountered while running the model: unexpected EOF"}');
      expect.unreachable();
    } catch (error) {
      expect(ProviderCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'provider_error', isRetryable: true });
    }
  });

  it('classifies an in-band context length error as not retryable', () => {
    expect(() => mapper().push('{"error":"input length exceeds the context length"}')).toThrow(
      expect.objectContaining({ code: 'context_length_exceeded', isRetryable: false }),
    );
  });

  it('throws MalformedResponseError for a line that is not JSON', () => {
    expect(() => mapper().push('{"model":"llama3.2","message":{"role":')).toThrow(
      MalformedResponseError,
    );
  });

  it('refuses to finish a stream that never sent done:true (a cut)', async () => {
    const target = mapper();
    target.push(ndjson(DOCS_STREAM_FIRST).trim());
    await expect(target.finish()).rejects.toThrow(/cut/);
  });
});

describe('tool call ids', () => {
  it('keeps an id the server sent', async () => {
    const line = JSON.stringify({
      message: {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_abc12345', function: { name: 'f', arguments: { a: 1 } } }],
      },
      done: false,
    });
    const parts = await run([line, '{"done":true,"prompt_eval_count":1,"eval_count":1}']);
    expect(parts.find((part) => part.type === 'tool-call-delta')).toMatchObject({
      id: 'call_abc12345',
      argumentsDelta: '{"a":1}',
    });
  });
});
