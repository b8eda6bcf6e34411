import { type FakeReply, type FakeWire, startFakeUpstream } from '@loom/testkit';

const usage = (reply: FakeReply) => ({
  prompt_tokens: reply.usage.inputTokens,
  completion_tokens: reply.usage.outputTokens,
});

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

/** How a Plainchat server answers, byte for byte: the fake upstream the tests run against. */
export const plainchatWire: FakeWire = {
  chatPath: '/api/generate',
  modelsPath: '/api/models',
  healthPath: '/api/health',
  readChat(body) {
    const request = body as { model?: string; stream?: boolean; messages?: { content: string }[] };
    return {
      model: request.model,
      stream: request.stream === true,
      prompt: request.messages?.at(-1)?.content ?? '',
    };
  },
  answer: (reply) => ({
    model: reply.model,
    message: { content: reply.text },
    done_reason: reply.finishReason,
    usage: usage(reply),
  }),
  models: (ids) => ({ models: ids.map((id) => ({ id, context_length: 8192 })) }),
  error: (_status, message) => ({ error: message }),
  stream: {
    contentType: 'application/x-ndjson',
    chunk: (delta) => line({ delta }),
    end: (reply) => line({ done: true, done_reason: reply.finishReason, usage: usage(reply) }),
    error: (message) => line({ error: message }),
  },
};

/** Starts a fake Plainchat server on a free port of 127.0.0.1. */
export const startPlainchatServer = (models = ['plain-1']) =>
  startFakeUpstream(plainchatWire, { models });
