import { finished, type Readable } from 'node:stream';

/**
 * Pulls the chunks of a response body, with the end and error rules of `body.iterator()` (Node's
 * `finished`) but not its cost: Node's iterator is an async generator of its own, so every chunk
 * paid for a second generator step, an await and two promises. Here a chunk already buffered
 * costs nothing, and waiting for one costs one promise.
 */
export class BodyReader {
  // undefined while the body is open; null once it ended cleanly; the error once it failed.
  private outcome: Error | null | undefined;
  private wake: (() => void) | undefined;
  private readonly stopFinished: () => void;
  // Listeners bound once per body, not once per wait.
  private readonly notify = () => {
    const resolve = this.wake;
    this.wake = undefined;
    resolve?.();
  };
  private readonly waitFor = (resolve: () => void) => {
    this.wake = resolve;
  };

  constructor(private readonly body: Readable) {
    body.on('readable', this.notify);
    this.stopFinished = finished(body, { writable: false }, (error) => {
      this.outcome = error ?? null;
      this.notify();
    });
  }

  /**
   * The bytes buffered so far, or null when none are: then `ended` says whether more may come.
   * Throws the body's error (an abort reason, a socket failure, a premature close).
   */
  read(): Buffer | null {
    const chunk = this.body.destroyed ? null : (this.body.read() as Buffer | null);
    if (chunk === null && this.outcome) throw this.outcome;
    return chunk;
  }

  /** True once the body ended cleanly: `read()` returns null from now on. */
  ended(): boolean {
    return this.outcome === null;
  }

  /** Resolves when bytes, the end or an error arrived. */
  wait(): Promise<void> {
    return new Promise(this.waitFor);
  }

  /** Stops listening to the body, leaving it as it is (open, ended or destroyed). */
  release(): void {
    this.body.off('readable', this.notify);
    this.stopFinished();
  }
}
