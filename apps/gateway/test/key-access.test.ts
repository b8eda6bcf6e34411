import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

const KEYS = {
  chatOnly: 'sk-chat-only-0001',
  localOnly: 'sk-local-only-0002',
  everything: 'sk-everything-0003',
  expired: 'sk-expired-key-0004',
};

let stack: RuntimeStack;
const clientFor = (key: string) =>
  new OpenAI({ baseURL: `${stack.loom.url}/v1`, apiKey: key, maxRetries: 0 });

beforeAll(async () => {
  stack = await startRuntimeStack({
    server: {
      apiKeys: [
        { key: KEYS.chatOnly, name: 'chat-only', models: ['chat'] },
        { key: KEYS.localOnly, name: 'local-only', models: ['local/*'] },
        { key: KEYS.everything, name: 'everything', expiresAt: '2999-01-01T00:00:00Z' },
        { key: KEYS.expired, name: 'expired', expiresAt: '2020-01-01T00:00:00Z' },
      ],
    },
    storage: { ledger: 'memory' },
  });
});
afterAll(() => stack?.close());

describe('a key limited to some models', () => {
  it('answers 403 in OpenAI’s shape for any other model, chat and embeddings alike', async () => {
    const client = clientFor(KEYS.chatOnly);
    const ok = await client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(ok.choices[0]?.message.content).toBeTruthy();
    const refused = await client.chat.completions
      .create({ model: 'local/llama3.2', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'permission_error',
      code: 'model_not_allowed',
      param: 'model',
      message: "The gateway key 'chat-only' may not use the model 'local/llama3.2'.",
    });
    const embedding = await client.embeddings
      .create({ model: 'embed', input: 'hi' })
      .catch((error: unknown) => error);
    expect(embedding).toBeInstanceOf(OpenAI.PermissionDeniedError);
    // Nothing reached an upstream for the refused requests.
    expect(stack.local.requests.length).toBe(0);
  });

  it('matches patterns and hides what the key may not use from /v1/models', async () => {
    const local = clientFor(KEYS.localOnly);
    const answer = await local.chat.completions.create({
      model: 'local/llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    await expect(
      local.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);

    const ids = async (key: string) =>
      (await clientFor(key).models.list()).data.map((model) => model.id);
    expect(await ids(KEYS.chatOnly)).toEqual(['chat']);
    const localIds = await ids(KEYS.localOnly);
    expect(localIds.length).toBeGreaterThan(0);
    expect(localIds.every((id) => id.startsWith('local/'))).toBe(true);
    const all = await ids(KEYS.everything);
    expect(all).toContain('chat');
    expect(all).toContain('embed');
  });
});

describe('a key past its expiry', () => {
  it('answers 401 saying it expired, and a key before its expiry works', async () => {
    const refused = await clientFor(KEYS.expired)
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'authentication_error',
      code: 'expired_api_key',
      message: 'This gateway API key expired at 2020-01-01T00:00:00.000Z.',
    });
    const models = await clientFor(KEYS.everything).models.list();
    expect(models.data.length).toBeGreaterThan(0);
  });
});
