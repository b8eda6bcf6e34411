import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Cancellation } from '@loom/core';

/**
 * Gathers the SSE frames made from one upstream read into one `response.write`. The parts of a
 * read arrive in one run of microtasks, and a `nextTick` runs once that run is over, so each
 * batch leaves as one chunk of the chunked body instead of one per frame (`bench:frames` shows
 * what a write per frame costs).
 */
export class FrameWriter {
  private pending = '';
  private scheduled = false;
  private readonly flushLater = () => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly response: ServerResponse) {}

  /** Queues frames to leave when the current batch of parts is done. */
  push(text: string): void {
    if (!text) return;
    this.pending += text;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flushLater);
    }
  }

  /** Hands the queued frames to the socket now. */
  flush(): void {
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    // A client that left (the response destroyed) gets nothing more.
    if (!this.response.destroyed) this.response.write(text);
  }

  /**
   * Waits while the client reads slower than the upstream answers (a slow client slows the
   * upstream read instead of filling memory); undefined when nothing needs waiting for. The wait's
   * signal is made only when a write must wait.
   */
  drained(writes: Cancellation): Promise<unknown> | undefined {
    if (!this.response.writableNeedDrain) return undefined;
    return once(this.response, 'drain', { signal: writes.signal });
  }

  /** Ends the response with the queued frames and `last`. */
  end(last: string): void {
    const text = this.pending + last;
    this.pending = '';
    this.response.end(text);
  }
}
