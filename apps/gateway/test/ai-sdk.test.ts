import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatRequests, type Stack, startStack } from './start-stack.js';

const KEY = 'ai-sdk-gateway-key-0001';
let stack: Stack;
let loom: ReturnType<typeof createOpenAICompatible>;
beforeAll(async () => {
  stack = await startStack({ apiKeys: [KEY] });
  loom = createOpenAICompatible({
    name: 'loom',
    baseURL: `${stack.url}/v1`,
    apiKey: KEY,
    includeUsage: true,
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const upstream of [stack.primary, stack.backup]) {
    upstream.clearFaults();
    upstream.clearRequests();
  }
});

describe('the Vercel AI SDK (openai-compatible) against the gateway', () => {
  it('generates text with usage', async () => {
    const result = await generateText({
      model: loom.chatModel('chat'),
      prompt: 'Hello from the AI SDK',
      maxRetries: 0,
    });
    expect(result.text).toBe('Hello from the AI SDK');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.response.headers?.['x-loom-provider']).toBe('primary');
  });

  it('streams text and reports the final usage', async () => {
    const result = streamText({
      model: loom.chatModel('chat'),
      prompt: 'Streaming through the gateway works',
      maxRetries: 0,
    });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('Streaming through the gateway works');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect(chatRequests(stack.primary)[0]?.body).toMatchObject({ stream: true });
  });

  it('runs a tool round trip: the model calls the tool, then answers with its result', async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: loom.chatModel('chat'),
      prompt: 'What is the weather in Paris?',
      maxRetries: 0,
      tools: {
        weather: tool({
          description: 'Current weather of a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async (input) => {
            calls.push(input);
            return { temperature: 21 };
          },
        }),
      },
      stopWhen: stepCountIs(3),
      // The simulated model calls a tool only when forced: force it on the first step only.
      prepareStep: ({ stepNumber }) =>
        stepNumber === 0 ? { toolChoice: { type: 'tool', toolName: 'weather' } } : {},
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveProperty('city');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.text).toBe('What is the weather in Paris?');
    const second = chatRequests(stack.primary)[1]?.body as { messages: Array<{ role: string }> };
    expect(second.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('streams a tool call with its arguments', async () => {
    const result = streamText({
      model: loom.chatModel('chat'),
      prompt: 'Weather in Oslo?',
      maxRetries: 0,
      tools: { weather: tool({ inputSchema: z.object({ city: z.string() }) }) },
      toolChoice: { type: 'tool', toolName: 'weather' },
    });
    const toolCalls = await result.toolCalls;
    expect(toolCalls).toHaveLength(1);
    expect(toolCalls[0]?.toolName).toBe('weather');
    expect(toolCalls[0]?.input).toHaveProperty('city');
    expect(await result.finishReason).toBe('tool-calls');
  });

  it('embeds many values', async () => {
    const result = await embedMany({
      model: loom.embeddingModel('embed'),
      values: ['first', 'second', 'third'],
      maxRetries: 0,
    });
    expect(result.embeddings).toHaveLength(3);
    expect(result.embeddings[0]?.length).toBe(1536);
    expect(result.embeddings[0]).not.toEqual(result.embeddings[1]);
    expect(result.usage.tokens).toBeGreaterThan(0);
  });

  it('surfaces a gateway error as an API call error with the OpenAI message', async () => {
    const error = await generateText({
      model: loom.chatModel('no-such-model'),
      prompt: 'hi',
      maxRetries: 0,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 404 });
    expect(String((error as Error).message)).toMatch(/model/i);
  });
});
