import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './raw-http.js';
import { type Stack, startStack } from './start-stack.js';

/** One request through one client: what it answered and which provider served it. */
type Client = (prompt: string) => Promise<{ text: string; provider: string | null | undefined }>;

let stack: Stack;
const clients: Record<string, Client> = {};
beforeAll(async () => {
  stack = await startStack({
    upstream: { latencyMs: 5 },
    config: {
      routing: {
        strategy: 'priority',
        retries: 2,
        initialBackoffMs: 1,
        circuitBreaker: { consecutiveFailures: 3, openMs: 60_000 },
      },
    },
  });
  const loom = createOpenAICompatible({ name: 'loom', baseURL: `${stack.url}/v1`, apiKey: 'x' });
  const model = loom.chatModel('chat');
  clients['openai chat'] = async (prompt) => {
    const { data, response } = await stack.client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: prompt }] })
      .withResponse();
    return {
      text: data.choices[0]?.message.content ?? '',
      provider: response.headers.get('x-loom-provider'),
    };
  };
  clients['openai stream'] = async (prompt) => {
    const { data: stream, response } = await stack.client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: prompt }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return { text, provider: response.headers.get('x-loom-provider') };
  };
  clients['ai-sdk generate'] = async (prompt) => {
    const result = await generateText({ model, prompt, maxRetries: 0 });
    return { text: result.text, provider: result.response.headers?.['x-loom-provider'] };
  };
  clients['ai-sdk stream'] = async (prompt) => {
    const result = streamText({ model, prompt, maxRetries: 0 });
    let text = '';
    for await (const piece of result.textStream) text += piece;
    const response = await result.response;
    return { text, provider: response.headers?.['x-loom-provider'] };
  };
});
afterAll(() => stack.close());

describe('failover is invisible to clients', () => {
  it('keeps every request of a run succeeding when the primary upstream dies mid-run', async () => {
    const names = Object.keys(clients);
    const served: Array<string | null | undefined> = [];
    const KILL_AT = 5;
    for (let index = 0; index < 16; index += 1) {
      const name = names[index % names.length] as string;
      const prompt = `request ${index} through ${name}`;
      const before = stack.primary.requests.length;
      // The victim request is held by the primary (before its first chunk) until it is killed.
      if (index === KILL_AT)
        stack.primary.inject({ fault: { type: 'delay', ms: 30_000 }, times: 1 });
      const pending = (clients[name] as Client)(prompt);
      if (index === KILL_AT) {
        // Kill the primary while it holds this very request: its socket is destroyed under it.
        await waitFor(() => stack.primary.requests.length > before, 10_000);
        await stack.primary.close();
      }
      const answer = await pending;
      expect(answer.text, `${name} #${index}`).toBe(prompt);
      served.push(answer.provider);
    }
    expect(served.slice(0, KILL_AT)).toEqual(Array(KILL_AT).fill('primary'));
    expect(served.slice(KILL_AT)).toEqual(Array(16 - KILL_AT).fill('backup'));
    expect(stack.backup.requests.length).toBeGreaterThanOrEqual(16 - KILL_AT);
  });
});
