import type { ServerResponse } from 'node:http';
import { Cancellation, type ChatStreamPart, type Usage } from '@loom/core';
import { type OpenAIErrorBody, toOpenAIError } from '../errors/to-openai-error.js';
import type { AccessRecord } from '../logging/access-record.js';
import { ChunkEncoder } from '../wire/chunk-encoder.js';
import type { ParsedChatRequest } from '../wire/parse-chat-request.js';
import { FrameWriter } from './frame-writer.js';
import type { GatewayContext } from './gateway-context.js';
import { loomHeaders } from './loom-headers.js';
import { recordServed, recordUsage } from './served-record.js';

// A ready-made reason: `abort()` without one builds an AbortError with a stack trace.
const EXPIRED = new Error('stream duration limit reached');

// Node corks a response's socket until the current tick's microtasks are done. When the upstream
// delivered many chunks in one read, the whole answer (and the end-of-stream bookkeeping) would be
// encoded before the first byte left: one turn after the first chunk lets it go out at once.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface StreamExchange {
  response: ServerResponse;
  requestId: string;
  cancellation: Cancellation;
  meta: { id: string; model: string; created: number };
  record: AccessRecord;
}

/** A cancellation that aborts with `parent` and may also abort alone. */
function linked(parent: Cancellation): Cancellation {
  const child = new Cancellation();
  parent.onAbort((reason) => child.abort(reason));
  return child;
}

function durationExceeded(limitMs: number): OpenAIErrorBody {
  return {
    error: {
      message: `The stream ran longer than this gateway's limit of ${limitMs} ms and was ended.`,
      type: 'invalid_request_error',
      param: null,
      code: 'stream_duration_exceeded',
    },
  };
}

/** What a stream said, for the access line and the tokens-per-minute charge. */
class StreamTally {
  usage?: Usage;
  outputChars = 0;
  text = '';

  constructor(private readonly keepText: boolean) {}

  see(part: ChatStreamPart): void {
    if (part.type === 'usage' || (part.type === 'finish' && part.usage)) {
      this.usage = part.usage;
      return;
    }
    const piece =
      part.type === 'text-delta'
        ? part.delta
        : part.type === 'tool-call-delta'
          ? (part.argumentsDelta ?? '')
          : '';
    this.outputChars += piece.length;
    if (this.keepText) this.text += piece;
  }

  /** The reported usage, else (a stream cut short) about four characters per output token. */
  usageOrEstimate(): Usage {
    if (this.usage) return this.usage;
    const output = Math.ceil(this.outputChars / 4);
    return { inputTokens: 0, outputTokens: output, totalTokens: output, estimated: true };
  }
}

/**
 * Streams a completion as SSE. Failures before the first chunk surface as an ordinary error
 * response (the kernel has failed over by then); after it, as an in-band `data: {"error"}` frame
 * with no `[DONE]`, so a client never mistakes a broken answer for a finished one. A stream that
 * outlives `limits.maxStreamDurationMs` is cancelled (the upstream call is aborted) and ends the
 * same way, with `stream_duration_exceeded`.
 */
export async function streamChat(
  context: GatewayContext,
  parsed: ParsedChatRequest,
  exchange: StreamExchange,
): Promise<void> {
  const { response, requestId, cancellation, record } = exchange;
  const stream = await context.kernel.stream(parsed.request, { cancellation, requestId });
  const served = {
    deployment: stream.deployment,
    attempts: stream.attempts.length + 1,
    cached: stream.cached === true,
  };
  recordServed(record, served);
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...loomHeaders({ requestId, ...served }),
  });
  const encoder = new ChunkEncoder({ ...exchange.meta, includeUsage: parsed.includeUsage });
  const tally = new StreamTally(context.logPrompts);
  const limitMs = context.limits.maxStreamDurationMs;
  // Writes stop when the client leaves, and at the limit: a slow reader must not hold a stream
  // past its deadline either.
  const writes = limitMs === undefined ? cancellation : linked(cancellation);
  let timedOut = false;
  const timer =
    limitMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          writes.abort(EXPIRED);
          stream.cancel(new Error(`stream duration limit of ${limitMs} ms reached`));
        }, limitMs);
  const frames = new FrameWriter(response);
  const fail = (body: OpenAIErrorBody) => {
    record.error = body.error;
    frames.end(encoder.error(body));
  };
  let first = true;
  try {
    for await (const part of stream) {
      tally.see(part);
      const text = encoder.encode(part);
      frames.push(text);
      if (first && text) {
        first = false;
        frames.flush();
        await nextTurn();
      }
      const waiting = frames.drained(writes);
      if (waiting) await waiting;
      if (timedOut) break;
    }
    if (timedOut && limitMs !== undefined) fail(durationExceeded(limitMs));
    else frames.end(encoder.end());
  } catch (error) {
    if (cancellation.aborted) {
      stream.cancel(cancellation.reason);
      response.destroy();
    } else if (timedOut && limitMs !== undefined) {
      stream.cancel(error);
      fail(durationExceeded(limitMs));
    } else {
      fail(toOpenAIError(error).body);
    }
  } finally {
    clearTimeout(timer);
    recordUsage(record, tally.usageOrEstimate());
    if (context.logPrompts) record.answer = tally.text;
  }
}
