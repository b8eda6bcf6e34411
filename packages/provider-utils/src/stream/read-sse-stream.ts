import type { Readable } from 'node:stream';
import { type ChatStreamPart, MalformedResponseError } from '@loom/core';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { TransportScope } from '../errors/map-transport-error.js';
import { type Framer, readFramedStream } from './framed-stream.js';
import type { StreamWatchdog } from './stream-watchdog.js';

/** Maps the events of a Server-Sent Events body to Loom stream parts. */
export interface SseMapper {
  /**
   * Maps one event's `data` (and its `event:` name, when it has one), appending parts to `out`.
   * Returns true at the wire's end marker, after appending the usage and finish parts. Throws
   * the `LoomError` an error event stands for (`mapInBandError`).
   */
  accept(data: string, event: string | undefined, out: ChatStreamPart[]): boolean;
}

function sseFramer(provider: string): Framer<EventSourceMessage> {
  let queue: EventSourceMessage[] = [];
  let oversized = false;
  const parser = createParser({
    onEvent: (event) => queue.push(event),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') oversized = true;
    },
  });
  return {
    feed(text, out) {
      queue = out;
      parser.feed(text);
      if (oversized) {
        throw new MalformedResponseError({
          provider,
          message: 'a stream event exceeded the parser buffer.',
        });
      }
    },
    end(out) {
      queue = out;
      // A last event without its closing blank line still counts.
      parser.feed('\n\n');
    },
  };
}

/** What `readSseStream` reads with; `openStream` returns all but the mapper. */
export interface StreamSource {
  body: Readable;
  watchdog: StreamWatchdog;
  transport: TransportScope;
}

/**
 * The parts of a Server-Sent Events body (eventsource-parser does the framing). Ends after the
 * mapper saw the end marker (`endMarker` names it in the error of a stream cut before it).
 * Breaking out of the loop releases the connection.
 */
export function readSseStream(
  source: StreamSource,
  mapper: SseMapper,
  endMarker = '[DONE]',
): AsyncGenerator<ChatStreamPart, void, undefined> {
  return readFramedStream<EventSourceMessage>(source.body, {
    framer: sseFramer(source.transport.provider),
    accept: (event, parts) => mapper.accept(event.data, event.event, parts),
    watchdog: source.watchdog,
    transport: source.transport,
    endMarker,
  });
}
