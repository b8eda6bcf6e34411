import type { SimulatedBehaviour } from '../simulated-upstream.js';
import type { Exchange, Headers } from './exchange.js';
import { isStreamFault } from './fault-rules.js';

/** How fast a simulator answers. */
export interface Pacing {
  latencyMs: number;
  timeToFirstTokenMs: number;
  /** Milliseconds between two content chunks. */
  chunkGapMs: number;
}

/** The pacing a behaviour asks for. */
export function pacingOf(behaviour: SimulatedBehaviour): Pacing {
  const rate = behaviour.tokensPerSecond;
  return {
    latencyMs: behaviour.latencyMs ?? 0,
    timeToFirstTokenMs: behaviour.timeToFirstTokenMs ?? 0,
    chunkGapMs: rate && rate > 0 ? 1_000 / rate : 0,
  };
}

/**
 * How long a non-streamed answer of `chunks` pieces takes to generate, so a non-stream call is as
 * slow as reading the same answer streamed.
 */
export function generationMs(pacing: Pacing, chunks: number): number {
  return pacing.timeToFirstTokenMs + pacing.chunkGapMs * Math.max(0, chunks - 1);
}

/** A streamed answer in one wire's framing. */
export interface StreamFrames {
  contentType: string;
  headers?: Headers;
  /** Frames sent right before the first content frame (OpenAI's role chunk). */
  head: string[];
  /** Content frames: one per text word or tool-argument piece. `afterChunks` counts these. */
  content: string[];
  /** Frames after the content (finish, usage, end marker), made when they are due. */
  tail(): string[];
  /** One frame that is not valid JSON, in the wire's framing. */
  malformed: string;
  /** The wire's in-band error, framed (vLLM follows it with `[DONE]`, OpenAI does not). */
  inBandError(message: string): string[];
  /** Called after each content frame is written (for vLLM's token metrics). */
  onContent?(): void;
}

/** How a streamed answer ended. */
export type StreamOutcome = 'complete' | 'faulted';

const DEFAULT_IN_BAND_MESSAGE = 'The model runner stopped unexpectedly while generating.';

/**
 * Streams `frames` with the exchange's pacing and applies its stream fault after the fault's
 * `afterChunks` content frames. Resolves once the body ended or the fault played out; throws
 * `ClientGone` when the client leaves first.
 */
export async function writeStream(
  exchange: Exchange,
  frames: StreamFrames,
  pacing: Pacing,
): Promise<StreamOutcome> {
  exchange.startStream(frames.contentType, frames.headers);
  const fault = exchange.fault && isStreamFault(exchange.fault) ? exchange.fault : undefined;
  const extraDelay = exchange.fault?.type === 'delay' ? exchange.fault.ms : 0;
  await exchange.pause(pacing.timeToFirstTokenMs + extraDelay);
  // A fault asked for after more chunks than the answer has still strikes before the finish.
  const at =
    fault && 'afterChunks' in fault ? Math.min(fault.afterChunks, frames.content.length) : -1;
  for (let index = 0; index <= frames.content.length; index++) {
    if (index === at && fault) {
      const outcome = await playFault(exchange, frames, fault);
      if (outcome) return outcome;
    }
    const frame = frames.content[index];
    if (frame === undefined) break;
    if (index > 0) await exchange.pause(pacing.chunkGapMs);
    if (index === 0) for (const head of frames.head) await exchange.write(head);
    await exchange.write(frame);
    frames.onContent?.();
  }
  for (const frame of frames.tail()) await exchange.write(frame);
  exchange.end();
  return 'complete';
}

/** Plays a stream fault; `undefined` means the stream goes on (a malformed frame). */
async function playFault(
  exchange: Exchange,
  frames: StreamFrames,
  fault: NonNullable<Exchange['fault']>,
): Promise<StreamOutcome | undefined> {
  switch (fault.type) {
    case 'stall':
      await exchange.untilClosed();
      return 'faulted';
    case 'cut':
      // The response corks its writes until the next tick; without this wait the socket would
      // die with the last chunks unsent, and the client would see fewer than `afterChunks`.
      await new Promise((resolve) => setImmediate(resolve));
      exchange.cut();
      return 'faulted';
    case 'in-band-error':
      for (const frame of frames.inBandError(fault.message ?? DEFAULT_IN_BAND_MESSAGE)) {
        await exchange.write(frame);
      }
      exchange.end();
      return 'faulted';
    case 'malformed':
      // The stream goes on afterwards, so a client that skips bad lines ends "cleanly" and fails.
      await exchange.write(frames.malformed);
      return undefined;
    default:
      return undefined;
  }
}
