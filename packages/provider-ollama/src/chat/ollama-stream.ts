import { type ChatStreamPart, LoomError, MalformedResponseError } from '@loom/core';
import { mapTransportError } from '../errors/map-transport-error.js';
import type { Redact } from '../errors/redactor.js';
import type { OpenResponse } from '../http/ollama-client.js';
import { timedChunks } from '../http/read-body.js';
import type { ChatStreamMapper } from './chat-stream-mapper.js';
import { LineSplitter } from './line-splitter.js';

/** What reading a chat stream needs besides the response. */
export interface StreamOptions {
  provider: string;
  redact: Redact;
  bodyTimeoutMs: number;
  /** Called once the final line arrived. */
  onComplete?: () => void;
}

/** Lines from the splitter; an over-long line is a malformed answer. */
function lines(read: () => string[], provider: string): string[] {
  try {
    return read();
  } catch (error) {
    throw new MalformedResponseError({
      provider,
      message: `/api/chat: ${(error as Error).message}`,
    });
  }
}

async function* parts(
  open: OpenResponse,
  mapper: ChatStreamMapper,
  options: StreamOptions,
): AsyncGenerator<ChatStreamPart> {
  const splitter = new LineSplitter();
  const { provider, redact } = options;
  const chunks = timedChunks(open.body, open.exchange, options.bodyTimeoutMs, {
    firstChunkArmed: true,
  });
  try {
    reading: for await (const chunk of chunks) {
      for (const line of lines(() => splitter.push(chunk), provider)) {
        yield* mapper.push(line);
        if (mapper.done) break reading;
      }
    }
    // A last line without a newline still counts; after the final line nothing else does.
    if (!mapper.done) {
      for (const line of lines(() => splitter.end(), provider)) yield* mapper.push(line);
    }
  } catch (error) {
    const reason = open.exchange.reason;
    if (reason !== undefined) throw reason;
    if (LoomError.isInstance(error)) throw error;
    throw mapTransportError(error, { provider, url: open.url, redact });
  }
  const finish = await mapper.finish();
  options.onComplete?.();
  yield finish;
}

/**
 * The parts of a streamed `/api/chat` answer. The connection is released when the stream ends,
 * fails, or the consumer stops early (`return()`, even before the first `next()`).
 */
export function chatStream(
  open: OpenResponse,
  mapper: ChatStreamMapper,
  options: StreamOptions,
): AsyncGenerator<ChatStreamPart> {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    open.exchange.release();
    // Frees the socket when the body was not read to its end; a no-op when it was.
    open.body.destroy();
  };
  const generator = (async function* () {
    try {
      yield* parts(open, mapper, options);
    } finally {
      release();
    }
  })();
  const finishEarly = generator.return.bind(generator);
  generator.return = (value) => {
    release();
    return finishEarly(value);
  };
  return generator;
}
