import { Cancellation } from '@loom/core';
import { Pool } from 'undici';
import { HttpStatusError } from './bench-errors.js';
import type {
  BenchCall,
  BenchPrompt,
  BenchTarget,
  CallReport,
  CostTotals,
} from './bench-target.js';
import { readSseStream } from './read-sse-stream.js';
import { requestWhole } from './whole-answer.js';

/** Options of `createHttpTarget`. */
export interface HttpTargetOptions {
  /** Base URL of an OpenAI-compatible API, including `/v1` (`http://127.0.0.1:4000/v1`). */
  baseURL: string;
  /** Model sent in every request. */
  model: string;
  /** Sent as `Authorization: Bearer ...`. */
  apiKey?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Connections of the pool; at least the highest concurrency you run; default 128. */
  connections?: number;
}

/** Cost header a Loom gateway may add to each response, in US dollars. */
export const COST_HEADER = 'x-loom-cost-usd';

/**
 * A target that speaks the OpenAI HTTP API through an undici `Pool` (keep-alive, no `fetch()`:
 * the load generator must cost less than what it measures). Streams are read as SSE to time the
 * first token and the gaps between tokens.
 */
export function createHttpTarget(options: HttpTargetOptions): BenchTarget {
  const base = new URL(options.baseURL.replace(/\/+$/, ''));
  const prefix = base.pathname === '/' ? '' : base.pathname;
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 128,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...options.headers,
  };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const cost: CostTotals = { micros: 0, priced: 0, unpriced: 0 };
  // A run sends the same few prompts over and over: each body is serialised once.
  const bodies = { chat: new WeakMap(), stream: new WeakMap(), embeddings: new WeakMap() };
  const bodyText = (work: BenchCall): string => {
    const known = bodies[work.scenario] as WeakMap<BenchPrompt, string>;
    let text = known.get(work.prompt);
    if (text === undefined) {
      text = JSON.stringify(bodyOf(work, options.model));
      known.set(work.prompt, text);
    }
    return text;
  };

  async function call(work: BenchCall): Promise<CallReport> {
    const embeddings = work.scenario === 'embeddings';
    const path = `${prefix}${embeddings ? '/embeddings' : '/chat/completions'}`;
    const body = bodyText(work);
    if (work.scenario === 'stream') {
      const response = await pool.request({
        path,
        method: 'POST',
        headers,
        body,
        signal: work.signal,
      });
      if (response.statusCode >= 400) {
        const text = await response.body.text().catch(() => '');
        throw statusError(response.statusCode, text);
      }
      countCost(cost, response.headers[COST_HEADER]);
      const report = await readSseStream(response.body);
      return { ...report, deploymentId: deploymentOf(response.headers) };
    }
    const answer = await requestWhole(
      pool,
      { origin: base.origin, path, method: 'POST', headers, body },
      work.cancellation ?? cancellationOfSignal(work.signal),
    );
    if (answer.statusCode >= 400) throw statusError(answer.statusCode, answer.text);
    countCost(cost, answer.headers[COST_HEADER]);
    const json = JSON.parse(answer.text) as { usage?: Record<string, unknown> };
    return {
      inputTokens: numberOf(json.usage?.prompt_tokens),
      outputTokens: numberOf(json.usage?.completion_tokens),
      deploymentId: deploymentOf(answer.headers),
    };
  }

  return {
    kind: 'http',
    name: options.baseURL,
    model: options.model,
    call,
    costTotals: () => ({ ...cost }),
    close: () => pool.close(),
  };
}

/** A `Cancellation` that aborts with a signal, for callers that give only the signal. */
function cancellationOfSignal(signal: AbortSignal): Cancellation {
  const cancellation = new Cancellation();
  if (signal.aborted) cancellation.abort(signal.reason);
  else signal.addEventListener('abort', () => cancellation.abort(signal.reason), { once: true });
  return cancellation;
}

function bodyOf(work: BenchCall, model: string): Record<string, unknown> {
  if (work.scenario === 'embeddings') return { model, input: [embeddingInput(work.prompt)] };
  const body: Record<string, unknown> = { model, messages: work.prompt.messages };
  if (work.prompt.maxTokens !== undefined) body.max_tokens = work.prompt.maxTokens;
  if (work.scenario === 'stream') {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** The text an embeddings call sends for a prompt. */
export function embeddingInput(prompt: BenchPrompt): string {
  if (prompt.input !== undefined) return prompt.input;
  const last = [...prompt.messages].reverse().find((message) => message.role === 'user');
  const content = last?.content;
  return typeof content === 'string' ? content : JSON.stringify(content ?? '');
}

function statusError(statusCode: number, text: string): HttpStatusError {
  let code: string | undefined;
  let message = text.slice(0, 200);
  try {
    const error = (
      JSON.parse(text) as { error?: { code?: unknown; type?: unknown; message?: unknown } }
    ).error;
    const value = error?.code ?? error?.type;
    if (typeof value === 'string') code = value;
    if (typeof error?.message === 'string') message = error.message;
  } catch {
    // Not JSON: the status alone classifies it.
  }
  return new HttpStatusError(statusCode, code, `HTTP ${statusCode}: ${message}`);
}

function countCost(cost: CostTotals, header: string | string[] | undefined): void {
  if (header === undefined) return;
  const usd = Number(Array.isArray(header) ? header[0] : header);
  if (Number.isFinite(usd)) {
    cost.micros += Math.round(usd * 1_000_000);
    cost.priced += 1;
  } else {
    cost.unpriced += 1;
  }
}

function deploymentOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const provider = headers['x-loom-provider'];
  const model = headers['x-loom-model'];
  return typeof provider === 'string' && typeof model === 'string'
    ? `${provider}/${model}`
    : undefined;
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
