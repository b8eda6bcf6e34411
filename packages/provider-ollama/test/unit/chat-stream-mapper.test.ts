import {
  type ChatRequest,
  type ChatStreamPart,
  chatStreamPartSchema,
  MalformedResponseError,
  ProviderCallError,
} from '@loom/core';
import { loadTokenCounter } from '@loom/provider-utils';
import { describe, expect, it } from 'vitest';
import {
  DOCS_STREAM_FINAL,
  DOCS_STREAM_FIRST,
  DOCS_TOOLS_RESPONSE,
  ndjson,
} from '../helpers/docs-examples.js';
import { chatStreamMapper, mapNdjson } from '../helpers/map-ndjson.js';

const request: ChatRequest = {
  model: 'llama3.2',
  messages: [{ role: 'user', content: 'why is the sky blue?' }],
};

const mapper = () => chatStreamMapper(request);

/** Feeds lines (JSON text) to a mapper, as the NDJSON reader does after parsing each. */
function accept(target: ReturnType<typeof mapper>, line: string): ChatStreamPart[] {
  const out: ChatStreamPart[] = [];
  target.accept(JSON.parse(line), out);
  return out;
}

async function run(lines: string[]): Promise<ChatStreamPart[]> {
  const parts = await mapNdjson(lines.map((line) => `${line.trim()}\n`).join(''), mapper());
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

  it('estimates usage when the final line has no counts, with the counter it was given', async () => {
    const lines = [
      '{"model":"llama3.2","message":{"role":"assistant","content":"The sky is blue."},"done":false}',
      '{"model":"llama3.2","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":5}',
    ];
    const parts = await run(lines);
    const finish = parts.at(-1);
    if (finish?.type !== 'finish' || !finish.usage) throw new Error('no usage');
    expect(finish.usage.estimated).toBe(true);
    expect(finish.usage.inputTokens).toBeGreaterThan(0);
    expect(finish.usage.outputTokens).toBeGreaterThan(0);
    const count = await loadTokenCounter();
    const counted = await mapNdjson(
      lines.map((line) => `${line}\n`).join(''),
      chatStreamMapper(request, { count }),
    );
    expect(counted.at(-1)).toMatchObject({
      usage: { outputTokens: count('The sky is blue.'), estimated: true },
    });
  });

  it('ends at the final line and calls onDone once', () => {
    let done = 0;
    const target = chatStreamMapper(request, { onDone: () => done++ });
    const out: ChatStreamPart[] = [];
    expect(target.accept(JSON.parse(DOCS_STREAM_FIRST), out)).toBe(false);
    expect(target.accept(JSON.parse(DOCS_STREAM_FINAL), out)).toBe(true);
    expect(out.at(-1)?.type).toBe('finish');
    expect(done).toBe(1);
  });

  it('ignores lines after the final one', () => {
    const target = mapper();
    accept(target, ndjson(DOCS_STREAM_FINAL));
    expect(accept(target, '{"message":{"content":"late"}}')).toEqual([]);
  });

  it('throws an in-band error line as a coded ProviderCallError', () => {
    const target = mapper();
    accept(target, ndjson(DOCS_STREAM_FIRST));
    try {
      accept(
        target,
        '{"error":"an error was encountered while running the model: unexpected EOF"}',
      );
      expect.unreachable();
    } catch (error) {
      expect(ProviderCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'provider_error', isRetryable: true });
    }
  });

  it('classifies an in-band context length error as not retryable', () => {
    expect(() => accept(mapper(), '{"error":"input length exceeds the context length"}')).toThrow(
      expect.objectContaining({ code: 'context_length_exceeded', isRetryable: false }),
    );
  });

  it('keeps credentials out of an in-band error', () => {
    const target = chatStreamMapper(request, { secrets: ['sk-ollama-secret-1234'] });
    expect(() => accept(target, '{"error":"bad key sk-ollama-secret-1234"}')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sk-ollama-secret-1234') }),
    );
  });

  it.each([['[1,2]'], ['{"message":"text"}'], ['{"done":"yes"}']])(
    'throws MalformedResponseError for %s, which is no chat chunk',
    (line) => {
      expect(() => accept(mapper(), line)).toThrow(MalformedResponseError);
    },
  );

  it('throws MalformedResponseError for a line that is not JSON', async () => {
    const error = await mapNdjson('{"model":"llama3.2","message":{"role":\n', mapper()).catch(
      (caught: unknown) => caught,
    );
    expect(MalformedResponseError.isInstance(error)).toBe(true);
  });

  it('refuses to finish a stream that never sent done:true (a cut)', async () => {
    const error = await mapNdjson(ndjson(DOCS_STREAM_FIRST), mapper()).catch(
      (caught: unknown) => caught,
    );
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/"done": true.*cut/);
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
