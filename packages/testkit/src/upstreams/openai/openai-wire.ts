import { type AnswerPlan, planAnswer } from '../answer/plan-answer.js';
import type { Exchange, Headers } from '../server/exchange.js';
import { generationMs, type Pacing, writeStream } from '../server/stream-writer.js';
import type { RouteHandler, WireDefinition } from '../server/wire.js';
import type { SimulatedAnswer } from '../simulated-upstream.js';
import {
  chunkCount,
  completionBody,
  completionFrames,
  finishReasonOf,
  newCompletion,
} from './openai-chat.js';
import { embeddingsAnswer } from './openai-embeddings.js';
import type { WireError } from './openai-errors.js';
import type { AnswerUsage, OpenAIFlavour } from './openai-flavour.js';
import { isWireError, type OpenAIChatRequest, parseChatRequest } from './openai-request.js';

/** What the OpenAI wire needs from its server's options. */
export interface OpenAIWireOptions {
  flavour: OpenAIFlavour;
  models: readonly string[];
  pacing: Pacing;
  apiKey?: string;
  reply?: (body: unknown) => string;
  /** Reported as `prompt_tokens_details.cached_tokens` (at most the prompt). */
  cachedTokens?: number;
  /** Added to `completion_tokens` and reported as `completion_tokens_details.reasoning_tokens`. */
  reasoningTokens?: number;
}

/** The request body's `model`, when it names one. */
function modelOf(exchange: Exchange): string | undefined {
  const model = (exchange.body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}

/** The OpenAI wire (`/v1/chat/completions`, `/v1/embeddings`, `/v1/models`) in a flavour. */
export function createOpenAIWire(options: OpenAIWireOptions): WireDefinition {
  const { flavour, models } = options;
  const sendError = (exchange: Exchange, error: WireError, headers: Headers = {}) => {
    // Each flavour words "unknown model" its own way.
    const detail =
      error.status === 404 ? flavour.statusDetail(404, modelOf(exchange)) : error.detail;
    exchange.sendJson(error.status, flavour.errorBody(error.status, detail), {
      ...flavour.commonHeaders(),
      ...headers,
    });
  };

  /** Checks the bearer key when the server has one; false when it answered 401. */
  function authorized(exchange: Exchange): boolean {
    if (options.apiKey === undefined) return true;
    const header = exchange.request.headers.authorization;
    const provided = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (provided === options.apiKey) return true;
    flavour.refuseKey(exchange, provided, flavour.commonHeaders());
    return false;
  }

  function usageOf(plan: AnswerPlan): AnswerUsage {
    const reasoningTokens = options.reasoningTokens ?? 0;
    return {
      promptTokens: plan.promptTokens,
      completionTokens: plan.completionTokens + reasoningTokens,
      cachedTokens: Math.min(options.cachedTokens ?? 0, plan.promptTokens),
      reasoningTokens,
    };
  }

  async function answer(exchange: Exchange, request: OpenAIChatRequest): Promise<void> {
    const plan = planAnswer(request.answer, exchange.body, options.reply);
    const usage = usageOf(plan);
    const completion = newCompletion(plan, request.model, flavour, usage);
    const finishReason = finishReasonOf(plan);
    const reported = { inputTokens: usage.promptTokens, outputTokens: usage.completionTokens };
    const record: SimulatedAnswer = {
      text: plan.kind === 'tool' ? plan.arguments : plan.text,
      finishReason,
      ...(plan.kind === 'tool' ? { toolName: plan.name } : {}),
    };
    exchange.record.answer = record;
    const tracker = flavour.observer?.start(request.model);
    let completed = false;
    try {
      if (request.stream) {
        if (request.includeUsage) record.usage = reported;
        const frames = completionFrames(completion, request.includeUsage);
        frames.onContent = () => tracker?.token();
        completed = (await writeStream(exchange, frames, options.pacing)) === 'complete';
        return;
      }
      record.usage = reported;
      await exchange.pause(generationMs(options.pacing, chunkCount(plan)));
      const headers = { ...flavour.commonHeaders(), ...flavour.successHeaders() };
      exchange.sendJson(200, completionBody(completion), headers);
      tracker?.token();
      completed = true;
    } finally {
      tracker?.end({ completed, usage, finishReason });
    }
  }

  const chat: RouteHandler = async (exchange) => {
    if (!authorized(exchange)) return;
    const request = parseChatRequest(exchange.body, models);
    if (isWireError(request)) return sendError(exchange, request);
    await answer(exchange, request);
  };

  const embeddings: RouteHandler = (exchange) => {
    if (!authorized(exchange)) return;
    const result = embeddingsAnswer(exchange.body, models, flavour);
    if (isWireError(result)) return sendError(exchange, result);
    exchange.sendJson(200, result.body, {
      ...flavour.commonHeaders(),
      ...flavour.successHeaders(),
    });
  };

  const listModels: RouteHandler = (exchange) => {
    if (!authorized(exchange)) return;
    const data = models.map((id) => flavour.modelEntry(id));
    exchange.sendJson(200, { object: 'list', data }, flavour.commonHeaders());
  };

  const oneModel =
    (id: string): RouteHandler =>
    (exchange) => {
      if (!authorized(exchange)) return;
      if (!models.includes(id)) {
        const detail = flavour.statusDetail(404, id);
        return sendError(exchange, { status: 404, detail });
      }
      exchange.sendJson(200, flavour.modelEntry(id), flavour.commonHeaders());
    };

  return {
    route(method, path) {
      if (method === 'POST' && path === '/v1/chat/completions') return chat;
      if (method === 'POST' && path === '/v1/embeddings') return embeddings;
      if (method === 'GET' && path === '/v1/models') return listModels;
      if (method === 'GET' && path.startsWith('/v1/models/')) {
        return oneModel(decodeURIComponent(path.slice('/v1/models/'.length)));
      }
      return undefined;
    },
    notFound: (exchange) => flavour.notFound(exchange, flavour.commonHeaders()),
    streams: (path, body) =>
      path === '/v1/chat/completions' && (body as { stream?: unknown } | null)?.stream === true,
    statusFault: (exchange, status, headers) => {
      const detail = flavour.statusDetail(status, modelOf(exchange));
      exchange.sendJson(status, flavour.errorBody(status, detail), headers);
    },
    refuse: (exchange, status, message) =>
      sendError(exchange, {
        status,
        detail: { message, type: 'invalid_request_error', param: null, code: null },
      }),
    commonHeaders: () => flavour.commonHeaders(),
  };
}
