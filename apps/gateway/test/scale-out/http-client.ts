import { Agent, request } from 'node:http';

/** One answer of a gateway, or a connection failure (`status` 0 and `failure`). */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** From sending the request to the end of the answer, ms. */
  ms: number;
  /** When the request was sent (`performance.now()`). */
  startedAt: number;
  /** Connection refused or reset, socket hang up: why no answer came. */
  failure?: string;
}

/** The `error.code` of an OpenAI-shaped error body, if there is one. */
export function errorCode(reply: Reply): string | undefined {
  const body = reply.body as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === 'string' ? body.error.code : undefined;
}

/** The `x-loom-request-id` header of an answer. */
export function requestIdOf(reply: Reply): string | undefined {
  const id = reply.headers['x-loom-request-id'];
  return typeof id === 'string' ? id : undefined;
}

/** A keep-alive agent without a socket cap: the load is the caller's concurrency. */
export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
}

/** Sends one HTTP request with `node:http`; resolves for every outcome, never rejects. */
export function send(
  url: string,
  options: { method?: string; body?: unknown; agent?: Agent; timeoutMs?: number } = {},
): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const done = (reply: Omit<Reply, 'ms' | 'startedAt'>) =>
      resolve({ ...reply, ms: performance.now() - startedAt, startedAt });
    const outgoing = request(
      url,
      {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        agent: options.agent,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
        timeout: options.timeoutMs ?? 60_000,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', (error) =>
          done({ status: 0, headers: {}, body: undefined, failure: error.message }),
        );
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          done({ status: incoming.statusCode ?? 0, headers: incoming.headers, body });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer before the timeout')));
    outgoing.on('error', (error) =>
      done({ status: 0, headers: {}, body: undefined, failure: error.message }),
    );
    outgoing.end(payload);
  });
}

/** A chat completion request for `model` whose answer the simulator cuts to `maxTokens`. */
export function chatBody(model: string, text: string, maxTokens: number): unknown {
  return { model, max_tokens: maxTokens, messages: [{ role: 'user', content: text }] };
}
