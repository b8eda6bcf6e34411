import type { Readable } from 'node:stream';
import { TimeoutError } from '@loom/core';

/** Timing of one response stream; the body is destroyed when a limit passes. */
export interface StreamWatchdog {
  /** Bytes arrived: the idle clock starts over. */
  onData(): void;
  /** An event arrived: the first one ends the first-chunk phase. */
  onEvent(): void;
  /** The end marker arrived: give the rest of the body a short grace, then cut it quietly. */
  onDone(): void;
  /** Stops the clock. */
  stop(): void;
}

/** How long the rest of a body may take after its end marker before the socket is cut. */
const DRAIN_GRACE_MS = 1_000;

const ignore = () => {};

/**
 * Watches a response body: the first event must come within `firstChunkMs`, then no silence may
 * last `idleMs` (0 turns the idle limit off). One timer, refreshed rather than re-created, so a
 * chunk costs next to nothing.
 */
export function watchStream(
  body: Readable,
  options: { firstChunkMs: number; idleMs: number; provider: string },
): StreamWatchdog {
  let phase: 'first-chunk' | 'idle' | 'drain' = 'first-chunk';
  // Our own destroy(error) must not become an uncaught 'error' when nobody reads the body yet.
  body.on('error', ignore);
  const fire = () => {
    if (phase === 'drain') {
      body.destroy();
      return;
    }
    const timeoutMs = phase === 'first-chunk' ? options.firstChunkMs : options.idleMs;
    body.destroy(new TimeoutError({ phase, timeoutMs, provider: options.provider }));
  };
  let timer: NodeJS.Timeout | undefined = setTimeout(fire, options.firstChunkMs);
  const restart = (ms: number) => {
    clearTimeout(timer);
    timer = ms > 0 ? setTimeout(fire, ms) : undefined;
  };
  return {
    onData() {
      if (phase === 'idle') timer?.refresh();
    },
    onEvent() {
      if (phase !== 'first-chunk') return;
      phase = 'idle';
      restart(options.idleMs);
    },
    onDone() {
      phase = 'drain';
      restart(DRAIN_GRACE_MS);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
