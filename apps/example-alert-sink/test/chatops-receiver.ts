import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '@loom/core';

/** A local endpoint standing in for the chat-ops service: it keeps what it was sent. */
export interface ChatopsReceiver {
  url: string;
  /** Alerts received, oldest first. */
  alerts: Alert[];
  /** The Authorization header of each delivery. */
  authorizations: (string | undefined)[];
  /** The status the next deliveries get; default 204. */
  answer: number;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

export async function startChatopsReceiver(): Promise<ChatopsReceiver> {
  const receiver: Omit<ChatopsReceiver, 'url' | 'close'> = {
    alerts: [],
    authorizations: [],
    answer: 204,
  };
  const server = createServer(async (request, response) => {
    const payload = JSON.parse(await bodyOf(request)) as { text: string; alert: Alert };
    receiver.authorizations.push(request.headers.authorization);
    if (receiver.answer < 300) receiver.alerts.push(payload.alert);
    response.writeHead(receiver.answer).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/loom`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
