import { testAlertSink } from '@loom/testkit/conformance';
import { afterAll, beforeAll } from 'vitest';
import { createChatopsSink } from '../src/index.js';
import { type ChatopsReceiver, startChatopsReceiver } from './chatops-receiver.js';

let receiver: ChatopsReceiver;
beforeAll(async () => {
  receiver = await startChatopsReceiver();
});
afterAll(() => receiver.close());

testAlertSink('loom-alert-sink-chatops', {
  createSink: () => createChatopsSink({ url: receiver.url, token: 'conformance-token' }),
  received: () => receiver.alerts,
});
