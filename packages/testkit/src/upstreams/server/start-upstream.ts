import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type {
  Fault,
  FaultRule,
  RecordedRequest,
  SimulatedUpstream,
} from '../simulated-upstream.js';
import { ClientGone, Exchange, type Headers } from './exchange.js';
import { FaultRules, faultFromHeader, isStreamFault, SIMULATE_HEADER } from './fault-rules.js';
import type { WireDefinition } from './wire.js';

/** What the shared server needs besides the wire. */
export interface UpstreamSetup {
  wire: WireDefinition;
  /** Delay before any response's headers, ms. */
  latencyMs: number;
  /** The provider-facing base URL for an origin (`${origin}/v1` for OpenAI-style wires). */
  baseURL(origin: string): string;
}

// Not `//...`: URL reads that as a host, and the recorded path must not change.
const PLAIN_PATH = /^\/(?!\/)[\w/-]*$/;

/** The `model` field of a JSON body, for fault matching. */
function modelOf(body: unknown): string | undefined {
  const model = (body as { model?: unknown } | null | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}

/** The whole body as text; events rather than an async iterator, which cost more per request. */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
    // A client that went away mid-body: stop here, as for any client gone. 'close' also comes
    // after every complete request; an error (with its stack) made then was 7% of the CPU.
    request.once('close', () => {
      if (!request.complete) reject(new ClientGone());
    });
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function lowerCaseKeys(headers: Record<string, string> = {}): Headers {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
  );
}

/** Sends a `status` fault: its own body when it has one, else the wire's body for the status. */
function sendStatus(exchange: Exchange, wire: WireDefinition, fault: Fault & { type: 'status' }) {
  const headers = { ...wire.commonHeaders?.(), ...lowerCaseKeys(fault.headers) };
  if (fault.body === undefined) return wire.statusFault(exchange, fault.status, headers);
  if (typeof fault.body === 'string') {
    const type = { 'content-type': 'text/plain; charset=utf-8' };
    return exchange.send(fault.status, fault.body, { ...type, ...headers });
  }
  exchange.sendJson(fault.status, fault.body, headers);
}

/**
 * Starts an HTTP server on 127.0.0.1 with a free port that records every request, applies fault
 * rules and the `x-loom-simulate` header, and hands the rest to the wire's routes.
 */
export async function startUpstream(setup: UpstreamSetup): Promise<SimulatedUpstream> {
  const { wire } = setup;
  const requests: RecordedRequest[] = [];
  const rules = new FaultRules();
  const sockets = new Set<Socket>();

  /** Reads the body, chooses the fault, then plays it or routes the request. */
  async function serve(exchange: Exchange): Promise<void> {
    const raw = await readBody(exchange.request);
    exchange.body = parseJson(raw);
    exchange.record.body = exchange.body;
    const fromHeader = faultFromHeader(exchange.request.headers[SIMULATE_HEADER]);
    if (fromHeader instanceof Error) return wire.refuse(exchange, 400, fromHeader.message);
    const streamed = wire.streams(exchange.path, exchange.body);
    const target = { path: exchange.path, model: modelOf(exchange.body), streamed };
    const fault = fromHeader ?? rules.take(target);
    if (fault && (streamed || !isStreamFault(fault))) {
      exchange.fault = fault;
      exchange.record.fault = fault;
    }
    const applied = exchange.fault;
    if (applied?.type === 'reset') return exchange.reset();
    if (applied?.type === 'hang') return exchange.untilClosed();
    await exchange.pause(setup.latencyMs);
    if (applied?.type === 'delay' && !streamed) await exchange.pause(applied.ms);
    if (applied?.type === 'status') return sendStatus(exchange, wire, applied);
    const handler = wire.route(exchange.request.method ?? 'GET', exchange.path);
    if (!handler) return wire.notFound(exchange);
    await handler(exchange);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    // Most paths need no parsing; URL is for queries, escapes and dot segments.
    const path = PLAIN_PATH.test(url) ? url : new URL(url, 'http://simulator').pathname;
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path,
      headers: { ...request.headers },
      body: undefined,
      aborted: false,
      receivedAt: Date.now(),
    };
    requests.push(record);
    const exchange = new Exchange(request, response, record);
    try {
      await serve(exchange);
    } catch (error) {
      if (error instanceof ClientGone || !exchange.open) return;
      // A simulator bug must not look like a clean answer.
      if (response.headersSent) return exchange.cut();
      wire.refuse(exchange, 500, `simulator failure: ${(error as Error).message}`);
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url: origin,
    baseURL: setup.baseURL(origin),
    requests,
    inject: (rule: FaultRule) => rules.add(rule),
    clearFaults: () => rules.clear(),
    clearRequests: () => {
      requests.length = 0;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
