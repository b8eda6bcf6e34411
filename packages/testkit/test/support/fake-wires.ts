import type { FakeReply, FakeWire } from '../../src/upstreams/fake/fake-wire.js';

type Json = Record<string, unknown>;

/** The text of the last user message of an OpenAI- or Ollama-style body. */
function lastUserText(body: unknown): string {
  const messages = ((body as Json | undefined)?.messages ?? []) as Json[];
  const content = messages.findLast((message) => message.role === 'user')?.content;
  return typeof content === 'string' ? content : '';
}

const modelOf = (body: unknown) => {
  const model = (body as Json | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
};

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

const ollamaCounts = (reply: FakeReply) => ({
  prompt_eval_count: reply.usage.inputTokens,
  eval_count: reply.usage.outputTokens,
});

/**
 * An NDJSON wire in Ollama's shape, written only from the `FakeWire` contract: the reference
 * Ollama provider passing against it shows the checks work on a fake upstream as on a simulator.
 */
export const fakeNdjsonWire: FakeWire = {
  chatPath: '/api/chat',
  modelsPath: '/api/tags',
  healthPath: '/api/version',
  health: () => ({ version: '0.0.0-fake' }),
  readChat: (body) => ({
    model: modelOf(body),
    stream: (body as Json | undefined)?.stream !== false,
    prompt: lastUserText(body),
  }),
  answer: (reply) => ({
    model: reply.model,
    message: { role: 'assistant', content: reply.text },
    done: true,
    done_reason: reply.finishReason,
    ...ollamaCounts(reply),
  }),
  models: (ids) => ({ models: ids.map((name) => ({ name })) }),
  error: (_status, message) => ({ error: message }),
  stream: {
    contentType: 'application/x-ndjson',
    chunk: (delta, reply) =>
      line({ model: reply.model, message: { role: 'assistant', content: delta }, done: false }),
    end: (reply) =>
      line({
        model: reply.model,
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: reply.finishReason,
        ...ollamaCounts(reply),
      }),
    error: (message) => line({ error: message }),
  },
};

const event = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

const openAIUsage = (reply: FakeReply) => ({
  prompt_tokens: reply.usage.inputTokens,
  completion_tokens: reply.usage.outputTokens,
  total_tokens: reply.usage.inputTokens + reply.usage.outputTokens,
});

/** An SSE wire in OpenAI's shape under `/v1`, with no health route, for the reference OpenAI provider. */
export const fakeSseWire: FakeWire = {
  basePath: '/v1',
  chatPath: '/v1/chat/completions',
  modelsPath: '/v1/models',
  readChat: (body) => ({
    model: modelOf(body),
    stream: (body as Json | undefined)?.stream === true,
    prompt: lastUserText(body),
  }),
  answer: (reply) => ({
    model: reply.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.text },
        finish_reason: reply.finishReason,
      },
    ],
    usage: openAIUsage(reply),
  }),
  models: (ids) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model' })) }),
  error: (_status, message) => ({ error: { message, type: 'fake_error', code: null } }),
  stream: {
    contentType: 'text/event-stream',
    chunk: (delta, reply) =>
      event({ model: reply.model, choices: [{ index: 0, delta: { content: delta } }] }),
    end: (reply) =>
      event({ model: reply.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
      event({ model: reply.model, choices: [], usage: openAIUsage(reply) }) +
      'data: [DONE]\n\n',
    error: (message) => event({ error: { message, type: 'fake_error' } }),
  },
};
