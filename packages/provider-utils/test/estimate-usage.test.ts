import { describe, expect, it } from 'vitest';
import {
  estimatedUsage,
  estimateInputTokens,
  loadTokenCounter,
  promptTexts,
  roughTokenCount,
  usageOf,
} from '../src/index.js';

describe('token estimates', () => {
  it('counts prompt texts, tool calls and tool definitions', () => {
    const texts = promptTexts({
      model: 'm',
      messages: [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image', url: 'data:,x' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'c', name: 'f', arguments: '{"a":1}' }],
        },
        { role: 'tool', toolCallId: 'c', content: 'done' },
      ],
      tools: [{ type: 'function', name: 'f', parameters: {} }],
    });
    expect(texts).toEqual([
      'sys',
      'hi',
      'f',
      '{"a":1}',
      'done',
      '[{"type":"function","name":"f","parameters":{}}]',
    ]);
  });

  it('counts tokens with cl100k and never refuses special-token text', async () => {
    const count = await loadTokenCounter();
    expect(count('Hello world')).toBe(2);
    expect(count('')).toBe(0);
    expect(count('<|endoftext|>')).toBeGreaterThan(1);
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hello world' }] };
    expect(estimateInputTokens(request, count)).toBe(2 + 4 + 3);
    expect(estimateInputTokens(request)).toBe(roughTokenCount('Hello world') + 4 + 3);
  });

  it('builds usage from counts, flagging estimates', () => {
    expect(usageOf(5, 2)).toEqual({
      inputTokens: 5,
      outputTokens: 2,
      totalTokens: 7,
      estimated: false,
    });
    expect(estimatedUsage(5, 'Hi there')).toEqual({
      inputTokens: 5,
      outputTokens: 2,
      totalTokens: 7,
      estimated: true,
    });
  });
});
