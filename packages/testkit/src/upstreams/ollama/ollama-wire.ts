import { hashEmbedding } from '../../internal/hash-embedding.js';
import { planAnswer } from '../answer/plan-answer.js';
import { countSimulatedTokens } from '../answer/simulated-tokens.js';
import { chunkCount } from '../openai/openai-chat.js';
import type { Exchange } from '../server/exchange.js';
import { generationMs, type Pacing, writeStream } from '../server/stream-writer.js';
import type { RouteHandler, WireDefinition } from '../server/wire.js';
import {
  assistantMessage,
  doneFields,
  doneReasonOf,
  OllamaClock,
  ollamaFrames,
} from './ollama-chat.js';
import { ollamaModelNotFound, ollamaStatusMessage } from './ollama-errors.js';
import { fullName, keepAliveMs, type LoadedModels, psEntry, tagEntry } from './ollama-models.js';
import { parseOllamaChat } from './ollama-request.js';

/** What the Ollama wire needs from its server's options. */
export interface OllamaWireOptions {
  models: readonly string[];
  pacing: Pacing;
  loaded: LoadedModels;
  coldStartMs: number;
  omitCounts: boolean;
  version: string;
  contextLength: number;
  embeddingDimensions: number;
  apiKey?: string;
  reply?: (body: unknown) => string;
}

const fail = (exchange: Exchange, status: number, error: string) =>
  exchange.sendJson(status, { error });

/** The Ollama native API: `/`, `/api/version`, `/api/tags`, `/api/ps`, `/api/chat`, `/api/embed`. */
export function createOllamaWire(options: OllamaWireOptions): WireDefinition {
  const served = (model: string) => options.models.some((m) => fullName(m) === fullName(model));

  /** Pays the cold start when the model is not in memory, then keeps it loaded. */
  async function load(exchange: Exchange, model: string, clock: OllamaClock, keepAlive: unknown) {
    if (!options.loaded.isLoaded(model)) await exchange.pause(options.coldStartMs);
    options.loaded.set(model, true, keepAliveMs(keepAlive));
    clock.markLoaded();
  }

  const chat: RouteHandler = async (exchange) => {
    const request = parseOllamaChat(exchange.body);
    if (typeof request === 'string') return fail(exchange, 400, request);
    if (!served(request.model)) return fail(exchange, 404, ollamaModelNotFound(request.model));
    const clock = new OllamaClock();
    await load(exchange, request.model, clock, request.keepAlive);
    const { model } = request;
    const stamp = new Date().toISOString();
    if (request.loadOnly) {
      const message = { role: 'assistant', content: '' };
      return exchange.sendJson(200, {
        model,
        created_at: stamp,
        message,
        done_reason: 'load',
        done: true,
      });
    }
    const plan = planAnswer(request.answer, exchange.body, options.reply);
    const usage = { inputTokens: plan.promptTokens, outputTokens: plan.completionTokens };
    exchange.record.answer = {
      text: plan.kind === 'tool' ? plan.arguments : plan.text,
      finishReason: doneReasonOf(plan),
      ...(plan.kind === 'tool' ? { toolName: plan.name } : {}),
      ...(options.omitCounts ? {} : { usage }),
    };
    if (request.stream) {
      await writeStream(
        exchange,
        ollamaFrames(model, plan, clock, options.omitCounts),
        options.pacing,
      );
    } else {
      await exchange.pause(options.pacing.timeToFirstTokenMs);
      clock.markFirstToken();
      const rest =
        generationMs(options.pacing, chunkCount(plan)) - options.pacing.timeToFirstTokenMs;
      await exchange.pause(rest);
      const body = { model, created_at: stamp, message: assistantMessage(plan) };
      exchange.sendJson(200, { ...body, ...doneFields(plan, clock, options.omitCounts) });
    }
    if (keepAliveMs(request.keepAlive) <= 0) options.loaded.set(model, false);
  };

  const embed: RouteHandler = async (exchange) => {
    const body = (exchange.body ?? {}) as Record<string, unknown>;
    if (typeof body.model !== 'string' || body.model === '')
      return fail(exchange, 400, 'model is required');
    const input = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
    if (!Array.isArray(input) || !input.every((item) => typeof item === 'string')) {
      return fail(exchange, 400, 'invalid input type');
    }
    if (!served(body.model)) return fail(exchange, 404, ollamaModelNotFound(body.model));
    const clock = new OllamaClock();
    await load(exchange, body.model, clock, body.keep_alive);
    const dimensions =
      typeof body.dimensions === 'number' ? body.dimensions : options.embeddingDimensions;
    const embeddings = input.map((text) => hashEmbedding(text, dimensions));
    const { total_duration, load_duration } = clock.durations();
    const tokens = input.reduce((sum, text) => sum + countSimulatedTokens(text), 0);
    const counts = options.omitCounts ? {} : { prompt_eval_count: tokens };
    exchange.sendJson(200, {
      model: body.model,
      embeddings,
      total_duration,
      load_duration,
      ...counts,
    });
  };

  const routes: Record<string, RouteHandler> = {
    'GET /': (exchange) =>
      exchange.send(200, 'Ollama is running', { 'content-type': 'text/plain; charset=utf-8' }),
    'HEAD /': (exchange) => exchange.send(200, '', { 'content-type': 'text/plain; charset=utf-8' }),
    'GET /api/version': (exchange) => exchange.sendJson(200, { version: options.version }),
    'GET /api/tags': (exchange) => exchange.sendJson(200, { models: options.models.map(tagEntry) }),
    'GET /api/ps': (exchange) => {
      const entries = options.loaded.entries();
      const models = entries.map(([model, until]) => psEntry(model, until, options.contextLength));
      exchange.sendJson(200, { models });
    },
    'POST /api/chat': chat,
    'POST /api/embed': embed,
  };

  return {
    route: (method, path) => {
      const handler = routes[`${method} ${path}`];
      if (!handler || options.apiKey === undefined || path === '/') return handler;
      return (exchange) => {
        const header = exchange.request.headers.authorization;
        if (header !== `Bearer ${options.apiKey}`) return fail(exchange, 401, 'unauthorized');
        return handler(exchange);
      };
    },
    notFound: (exchange) =>
      exchange.send(404, '404 page not found', { 'content-type': 'text/plain' }),
    streams: (path, body) =>
      path === '/api/chat' && (body as { stream?: unknown } | undefined)?.stream !== false,
    statusFault: (exchange, status, headers) => {
      const model = (exchange.body as { model?: unknown } | undefined)?.model;
      const error = ollamaStatusMessage(status, typeof model === 'string' ? model : undefined);
      exchange.sendJson(status, { error }, headers);
    },
    refuse: (exchange, status, message) => fail(exchange, status, message),
  };
}
