import type { ChatStreamPart } from '@loom/core';
import type { StreamMeter } from './request-costs.js';

type PartResult = IteratorResult<ChatStreamPart>;

const done = (): PartResult => ({ value: undefined, done: true });

/** Counts one part into the meter. */
function count(meter: StreamMeter, part: ChatStreamPart): void {
  if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
    meter.outputCharacters += part.delta.length;
  } else if (part.type === 'tool-call-delta') {
    meter.outputCharacters += (part.argumentsDelta?.length ?? 0) + (part.name?.length ?? 0);
  } else if (part.type === 'usage') {
    meter.usage = part.usage;
  } else if (part.type === 'finish' && part.usage) {
    meter.usage = part.usage;
  }
}

/**
 * Passes a stream through, counting what it produced into `meter`; after each counted part
 * (except the finish) `check`, when given, may throw or reject (a budget cutting the stream).
 *
 * A hand-written iterator, not an async generator (which allocated several objects per part):
 * it hands on the source's own result through one `then`, and waits only when `check` returned a
 * promise. It behaves like the generator: the source opens on the first `next()`, a failing check
 * closes the source before the error surfaces, and once ended or failed it only reports done.
 */
export function meterStream(
  stream: AsyncIterable<ChatStreamPart>,
  meter: StreamMeter,
  check?: () => void | Promise<void>,
): AsyncIterableIterator<ChatStreamPart> {
  return new MeteredStream(stream, meter, check);
}

class MeteredStream implements AsyncIterableIterator<ChatStreamPart> {
  private source: AsyncIterator<ChatStreamPart> | undefined;
  /** The last `next()`; `return()` and `throw()` wait for it, as a generator queues them. */
  private inFlight: Promise<PartResult> | undefined;
  /** `inFlight` has not settled yet (most `return()` calls then need not wait: no promise). */
  private pending = false;
  private ended = false;

  constructor(
    private readonly stream: AsyncIterable<ChatStreamPart>,
    private readonly meter: StreamMeter,
    private readonly check: (() => void | Promise<void>) | undefined,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Meant to be called one at a time (the kernel awaits each part before asking again). */
  next(): Promise<PartResult> {
    if (this.ended) return Promise.resolve(done());
    try {
      this.source ??= this.stream[Symbol.asyncIterator]();
      // The handlers are bound once per stream (fields below), so a part costs no closure.
      this.inFlight = this.source.next().then(this.onResult, this.onSourceError);
      this.pending = true;
    } catch (error) {
      this.ended = true;
      return Promise.reject(error);
    }
    return this.inFlight;
  }

  async return(value?: unknown): Promise<PartResult> {
    if (this.pending) await this.settled();
    if (!this.ended && this.source) {
      this.ended = true;
      await this.source.return?.();
    }
    this.ended = true;
    return { value, done: true };
  }

  async throw(error?: unknown): Promise<PartResult> {
    if (this.pending) await this.settled();
    if (!this.ended && this.source) await this.closeAfterFailure();
    this.ended = true;
    throw error;
  }

  private readonly onResult = (result: PartResult): PartResult | Promise<PartResult> => {
    if (result.done) {
      this.ended = true;
      this.pending = false;
      return done();
    }
    const part = result.value;
    count(this.meter, part);
    if (part.type === 'finish' || !this.check) {
      this.pending = false;
      return result;
    }
    let checked: void | Promise<void>;
    try {
      checked = this.check();
    } catch (error) {
      return this.failed(error);
    }
    if (!checked) {
      this.pending = false;
      return result;
    }
    return checked.then(
      () => {
        this.pending = false;
        return result;
      },
      (error: unknown) => this.failed(error),
    );
  };

  private readonly onSourceError = (error: unknown): never => {
    this.ended = true;
    this.pending = false;
    throw error;
  };

  /** The pending `next()` has settled, whichever way. */
  private async settled(): Promise<void> {
    try {
      await this.inFlight;
    } catch {
      // That failure was the pending next()'s to report.
    }
  }

  /** A failed check ends the stream: close the source (as `for await` does), then throw. */
  private async failed(error: unknown): Promise<never> {
    if (!this.ended) await this.closeAfterFailure();
    this.pending = false;
    throw error;
  }

  /** Closing after a failure ignores the source's own complaints: the failure is what counts. */
  private async closeAfterFailure(): Promise<void> {
    this.ended = true;
    try {
      await this.source?.return?.();
    } catch {
      // The original error wins, as with `for await`.
    }
  }
}
