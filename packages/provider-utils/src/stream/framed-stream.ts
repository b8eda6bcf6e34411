import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ChatStreamPart } from '@loom/core';
import { MalformedResponseError } from '@loom/core';
import { mapTransportError, type TransportScope } from '../errors/map-transport-error.js';
import { BodyReader } from '../http/body-reader.js';
import { PartStream } from './part-stream.js';
import type { StreamWatchdog } from './stream-watchdog.js';

/** Splits body text into the frames of a wire (SSE events, NDJSON lines). */
export interface Framer<Frame> {
  /** Adds text; frames it completes go to `out`. Throws a LoomError for a frame too large. */
  feed(text: string, out: Frame[]): void;
  /** The body ended: a last frame without its terminator goes to `out`. */
  end(out: Frame[]): void;
}

/** Maps one frame to stream parts; true once the wire's end marker arrived. */
export type FrameMapper<Frame> = (frame: Frame, parts: ChatStreamPart[]) => boolean;

/** What a framed stream is read with. */
export interface FramedStreamOptions<Frame> {
  framer: Framer<Frame>;
  accept: FrameMapper<Frame>;
  watchdog: StreamWatchdog;
  transport: TransportScope;
  /** Names the end marker in the error of a cut stream (`[DONE]`, `"done": true`). */
  endMarker: string;
}

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
 * Reads a framed body and yields Loom stream parts as chunks arrive. A body that ends before the
 * end marker was cut and throws; so do frames the mapper throws for (in-band errors), stalls
 * (via the watchdog) and socket failures. Breaking out of the loop releases the body: drained
 * when the answer was complete, else destroyed.
 */
export function readFramedStream<Frame>(
  body: Readable,
  options: FramedStreamOptions<Frame>,
): AsyncGenerator<ChatStreamPart, void, undefined> {
  return new PartStream(readBatches(body, options), () => {
    options.watchdog.stop();
    releaseBody(body, false);
  });
}

/** True when `parts` holds nothing but response metadata (no token, finish or usage yet). */
function isMetadataOnly(parts: readonly ChatStreamPart[]): boolean {
  for (const part of parts) if (part.type !== 'response-metadata') return false;
  return true;
}

/** `readFramedStream` as the batch of parts each body chunk maps to (never an empty one). */
async function* readBatches<Frame>(
  body: Readable,
  options: FramedStreamOptions<Frame>,
): AsyncGenerator<readonly ChatStreamPart[], void, undefined> {
  const { framer, accept, watchdog, transport: scope } = options;
  const events: Frame[] = [];
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
        const event = events[cursor++] as Frame;
        if (accept(event, parts)) {
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
      framer.feed(decoder.write(chunk), events);
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
      // A last frame without its terminator still counts.
      framer.feed(decoder.end(), events);
      framer.end(events);
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
      message: `the stream ended without its ${options.endMarker} marker: it was cut short.`,
    });
  }
}
