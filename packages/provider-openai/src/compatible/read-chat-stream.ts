import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { type ChatStreamPart, MalformedResponseError } from '@loom/core';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { BodyReader } from './body-reader.js';
import type { ChatStreamMapper } from './chat-stream-mapper.js';
import { mapTransportError, type TransportScope } from './map-transport-error.js';
import { PartStream } from './part-stream.js';
import type { StreamWatchdog } from './stream-watchdog.js';

/** How long the end of a body may take to arrive after `[DONE]` before the socket is cut. */
const END_GRACE_MS = 5_000;

/**
 * Lets a body whose answer is complete (`[DONE]` seen) finish by itself, so its socket goes back
 * to the pool; destroying it instead would build an AbortError (with a stack trace) per stream.
 * Anything else still open is destroyed.
 */
function releaseBody(body: Readable, done: boolean): void {
  if (body.readableEnded || body.destroyed) return;
  if (!done) {
    body.destroy();
    return;
  }
  body.on('error', () => {});
  const timer = setTimeout(() => body.destroy(), END_GRACE_MS);
  timer.unref();
  body.once('close', () => clearTimeout(timer));
  body.resume();
}

/**
 * Reads a Server-Sent Events body and yields Loom stream parts as chunks arrive, ending with
 * exactly one finish part. A body that ends before `[DONE]` was cut and throws; so do error
 * events, stalls (via the watchdog) and socket failures. Breaking out of the loop releases the
 * body: drained when the answer was complete, else destroyed.
 */
export function readChatStream(
  body: Readable,
  mapper: ChatStreamMapper,
  watchdog: StreamWatchdog,
  scope: TransportScope,
): AsyncGenerator<ChatStreamPart, void, undefined> {
  return new PartStream(readBatches(body, mapper, watchdog, scope));
}

/** True when `parts` holds nothing but response metadata (no token, finish or usage yet). */
function isMetadataOnly(parts: readonly ChatStreamPart[]): boolean {
  for (const part of parts) if (part.type !== 'response-metadata') return false;
  return true;
}

/** `readChatStream` as the batch of parts each body chunk maps to (never an empty one). */
async function* readBatches(
  body: Readable,
  mapper: ChatStreamMapper,
  watchdog: StreamWatchdog,
  scope: TransportScope,
): AsyncGenerator<readonly ChatStreamPart[], void, undefined> {
  const events: EventSourceMessage[] = [];
  let oversized = false;
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') oversized = true;
    },
  });
  const parts: ChatStreamPart[] = [];
  let done = false;
  let failure: unknown;
  // No content part handed on yet (see `firstContent` below).
  let awaitingContent = true;
  let cursor = 0;
  // Maps queued events; true once `[DONE]` was among them. An error event is kept in `failure`
  // so the parts before it are still delivered first. With `firstContent`, stops after the
  // first event that produced a content part, leaving the rest queued.
  const drainEvents = (firstContent: boolean): boolean => {
    try {
      while (cursor < events.length) {
        const event = events[cursor++] as EventSourceMessage;
        if (mapper.accept(event.data, event.event, parts)) {
          cursor = events.length;
          return true;
        }
        if (firstContent && parts.length > 0 && !isMetadataOnly(parts)) break;
      }
    } catch (error) {
      failure = error;
      cursor = events.length;
    } finally {
      if (cursor >= events.length) {
        events.length = 0;
        cursor = 0;
      }
    }
    return false;
  };
  // undici's body ignores setEncoding; a decoder keeps characters split across chunks whole.
  const decoder = new StringDecoder('utf8');
  // Not `body.iterator()`: see `BodyReader`. Releasing it leaves the body as it is, and
  // `releaseBody` decides (a finished answer's body is drained).
  const reader = new BodyReader(body);
  try {
    for (;;) {
      const chunk = reader.read();
      if (chunk === null) {
        if (reader.ended()) break;
        await reader.wait();
        continue;
      }
      // After `[DONE]` the rest of the body is read only so the socket can be reused.
      if (done) continue;
      watchdog.onData();
      parser.feed(decoder.write(chunk));
      if (oversized) {
        throw new MalformedResponseError({
          provider: scope.provider,
          message: 'a stream event exceeded the parser buffer.',
        });
      }
      if (events.length === 0) continue;
      watchdog.onEvent();
      done = drainEvents(awaitingContent);
      if (awaitingContent && cursor > 0) {
        // A fast upstream's whole answer often arrives in one read: its first token goes on
        // before the other events are parsed, so it does not wait for their JSON.
        awaitingContent = false;
        yield parts;
        parts.length = 0;
        done = drainEvents(false);
      }
      if (done) watchdog.onDone();
      if (parts.length > 0) {
        if (!isMetadataOnly(parts)) awaitingContent = false;
        yield parts;
      }
      parts.length = 0;
      if (failure !== undefined) throw failure;
    }
    if (!done) {
      // A last event without its closing blank line still counts.
      parser.feed(`${decoder.end()}\n\n`);
      done = drainEvents(false);
      if (parts.length > 0) yield parts;
      if (failure !== undefined) throw failure;
    }
  } catch (error) {
    if (!done) throw mapTransportError(error, scope);
  } finally {
    watchdog.stop();
    reader.release();
    releaseBody(body, done);
  }
  if (!done) {
    throw new MalformedResponseError({
      provider: scope.provider,
      message: 'the stream ended without its [DONE] marker: it was cut short.',
    });
  }
}
