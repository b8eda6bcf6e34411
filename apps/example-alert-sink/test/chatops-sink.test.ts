import type { Alert } from '@loom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatopsSink } from '../src/index.js';
import { type ChatopsReceiver, startChatopsReceiver } from './chatops-receiver.js';

const alert: Alert = {
  id: 'a-1',
  rule: 'error-rate',
  severity: 'critical',
  state: 'firing',
  message: 'errors above 5 % for 2 minutes',
  labels: {},
  value: 0.07,
  timestamp: Date.now(),
};

let receiver: ChatopsReceiver;
beforeAll(async () => {
  receiver = await startChatopsReceiver();
});
afterAll(() => receiver.close());

describe('chatops sink', () => {
  it('sends the token as a bearer credential', async () => {
    const sink = createChatopsSink({ url: receiver.url, token: 'secret-1' });
    await sink.doSend(alert, { signal: new AbortController().signal });
    expect(receiver.authorizations.at(-1)).toBe('Bearer secret-1');
  });

  it('rejects a delivery the endpoint refuses, naming the status', async () => {
    receiver.answer = 500;
    const sink = createChatopsSink({ url: receiver.url });
    await expect(sink.doSend(alert, { signal: new AbortController().signal })).rejects.toThrow(
      /answered 500/,
    );
    receiver.answer = 204;
  });

  it('refuses settings without a url, naming the option', () => {
    expect(() => createChatopsSink({} as never)).toThrow(/url/);
  });
});
