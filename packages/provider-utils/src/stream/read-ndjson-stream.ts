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

// Lines are parsed as the mapper takes them, not as they arrive: a broken line after a good
// one then fails the stream after the good one's parts, as on the wire.
function ndjsonFramer(provider: string): Framer<string> {
  const splitter = new LineSplitter();
  const split = (read: () => string[], out: string[]) => {
    try {
      for (const line of read()) out.push(line);
    } catch (error) {
      throw new MalformedResponseError({ provider, message: (error as Error).message });
    }
  };
  return {
    feed: (text, out) => split(() => splitter.pushText(text), out),
    end: (out) => split(() => splitter.end(), out),
  };
}

function parseLine(line: string, provider: string, secrets: readonly string[]): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new MalformedResponseError({
      provider,
      message: `a stream line is not JSON: ${safeText(line.slice(0, 200), secrets)}`,
    });
  }
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
  return readFramedStream<string>(source.body, {
    framer: ndjsonFramer(provider),
    accept: (line, parts) => mapper.accept(parseLine(line, provider, secrets), parts),
    watchdog: source.watchdog,
    transport: source.transport,
    endMarker,
  });
}
