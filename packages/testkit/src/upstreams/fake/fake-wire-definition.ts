import type { Exchange, Headers } from '../server/exchange.js';
import { generationMs, type Pacing, writeStream } from '../server/stream-writer.js';
import type { RouteHandler, WireDefinition } from '../server/wire.js';
import { fakeStreamFrames, planFakeReply, replyPieces } from './fake-reply.js';
import type { FakeWire } from './fake-wire.js';

/** What the fake wire needs from `startFakeUpstream`'s behaviour. */
export interface FakeWireOptions {
  models: readonly string[];
  pacing: Pacing;
  apiKey?: string;
  reply?: (body: unknown) => string;
}

type ChatRead = ReturnType<FakeWire['readChat']>;

/** `readChat`, with a throw (a body the author's reader did not expect) as an Error. */
function readChat(wire: FakeWire, body: unknown): ChatRead | Error {
  try {
    return wire.readChat(body);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Turns a `FakeWire` into the shared server's wire: chat, model list, health, errors. */
export function createFakeWireDefinition(wire: FakeWire, options: FakeWireOptions): WireDefinition {
  const { pacing } = options;

  // A throwing `error()` must still answer, or the server's own failure path would throw too.
  function sendError(exchange: Exchange, status: number, message: string, headers: Headers = {}) {
    let body: unknown;
    try {
      body = wire.error(status, message);
    } catch {
      body = { error: message };
    }
    exchange.sendJson(status, body, headers);
  }

  const chat: RouteHandler = async (exchange) => {
    const read = readChat(wire, exchange.body);
    if (read instanceof Error) return sendError(exchange, 400, read.message);
    if (!read.model) return sendError(exchange, 400, 'model is required');
    if (!options.models.includes(read.model)) {
      return sendError(exchange, 404, `model '${read.model}' not found`);
    }
    const reply = planFakeReply(read.model, read.prompt, exchange.body, options.reply);
    const { text, finishReason, usage } = reply;
    exchange.record.answer = { text, finishReason, usage };
    if (read.stream) {
      await writeStream(exchange, fakeStreamFrames(wire.stream, reply), pacing);
      return;
    }
    await exchange.pause(generationMs(pacing, replyPieces(reply).length));
    exchange.sendJson(200, wire.answer(reply));
  };

  const routes: Record<string, RouteHandler> = {
    [`POST ${wire.chatPath}`]: chat,
    [`GET ${wire.modelsPath}`]: (exchange) => exchange.sendJson(200, wire.models(options.models)),
  };
  // Health stays open without the key, as health endpoints of real servers usually are.
  const open = new Set<string>();
  if (wire.healthPath !== undefined) {
    const key = `GET ${wire.healthPath}`;
    routes[key] = (exchange) => exchange.sendJson(200, wire.health?.() ?? { status: 'ok' });
    open.add(key);
  }

  return {
    route(method, path) {
      const key = `${method} ${path}`;
      const handler = routes[key];
      if (!handler || options.apiKey === undefined || open.has(key)) return handler;
      return (exchange) => {
        const header = exchange.request.headers.authorization;
        if (header !== `Bearer ${options.apiKey}`) {
          return sendError(exchange, 401, 'invalid API key');
        }
        return handler(exchange);
      };
    },
    notFound: (exchange) =>
      sendError(exchange, 404, `no route for ${exchange.request.method} ${exchange.path}`),
    streams: (path, body) => {
      if (path !== wire.chatPath) return false;
      const read = readChat(wire, body);
      return !(read instanceof Error) && read.stream;
    },
    statusFault: (exchange, status, headers) =>
      sendError(exchange, status, 'simulated error', headers),
    refuse: (exchange, status, message) => sendError(exchange, status, message),
  };
}
