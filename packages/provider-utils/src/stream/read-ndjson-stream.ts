import { type ChatStreamPart, MalformedResponseError } from '@loom/core';
import { safeText } from '../errors/redact.js';
import { type Framer, readFramedStream } from './framed-stream.js';
import { LineSplitter } from './line-splitter.js';
import type { StreamSource } from './read-sse-stream.js';

/** Maps the lines of a newline-delimited JSON body to Loom stream parts. */
export interface NdjsonMapper {
  /**
   * Maps one line's parsed JSON, appending parts to `out`. Returns true at the wire's final line,
   * after appending the usage and finish parts. Throws the `LoomError` an error line stands for.
   */
  accept(line: unknown, out: ChatStreamPart[]): boolean;
}

function ndjsonFramer(provider: string, secrets: readonly string[]): Framer<unknown> {
  const splitter = new LineSplitter();
  const parse = (lines: string[], out: unknown[]) => {
    for (const line of lines) {
      try {
        out.push(JSON.parse(line));
      } catch {
        throw new MalformedResponseError({
          provider,
          message: `a stream line is not JSON: ${safeText(line.slice(0, 200), secrets)}`,
        });
      }
    }
  };
  const split = (read: () => string[]) => {
    try {
      return read();
    } catch (error) {
      throw new MalformedResponseError({ provider, message: (error as Error).message });
    }
  };
  return {
    feed: (text, out) => parse(split(() => splitter.pushText(text)), out),
    end: (out) => parse(split(() => splitter.end()), out),
  };
}

/**
 * The parts of a newline-delimited JSON body (Ollama's and many local servers' streams): each
 * line is parsed, a line that is not JSON is a `MalformedResponseError`. Ends after the mapper
 * saw the final line (`endMarker` names it in the error of a stream cut before it). Breaking
 * out of the loop releases the connection.
 */
export function readNdjsonStream(
  source: StreamSource,
  mapper: NdjsonMapper,
  endMarker = 'final line',
): AsyncGenerator<ChatStreamPart, void, undefined> {
  const { provider, secrets } = source.transport;
  return readFramedStream<unknown>(source.body, {
    framer: ndjsonFramer(provider, secrets),
    accept: (line, parts) => mapper.accept(line, parts),
    watchdog: source.watchdog,
    transport: source.transport,
    endMarker,
  });
}
