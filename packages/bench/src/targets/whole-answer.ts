import type { Cancellation } from '@loom/core';
import type { Dispatcher } from 'undici';

/** What the load generator reads of a whole (non-streamed) answer. */
export interface WholeAnswer {
  statusCode: number;
  /** The few headers it reads (`x-loom-*`), by lower-case name. */
  headers: Record<string, string>;
  text: string;
}

/** Headers a target reads: cost and the serving deployment. */
const WANTED = new Set(['x-loom-cost-usd', 'x-loom-provider', 'x-loom-model']);

/**
 * Collects a whole answer from undici's dispatch API. `request()` builds a Readable body, with an
 * async resource and its listeners, and parses every header, per answer; on a two-core machine
 * the load generator's own CPU is taken from what it measures, so it reads only what it needs.
 */
class WholeAnswerHandler implements Dispatcher.DispatchHandler {
  private statusCode = 0;
  private readonly headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private removeAbort: (() => void) | undefined;

  constructor(
    private readonly cancel: Cancellation | undefined,
    private readonly resolve: (answer: WholeAnswer) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  onConnect(abort: (reason?: Error) => void): void {
    const cancel = this.cancel;
    if (!cancel) return;
    if (cancel.aborted) {
      abort(cancel.reason as Error);
      return;
    }
    this.removeAbort ??= cancel.onAbort((reason) => abort(reason as Error));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.statusCode = statusCode;
    for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
      const name = (rawHeaders[index] as Buffer).toString('latin1').toLowerCase();
      if (WANTED.has(name)) this.headers[name] = (rawHeaders[index + 1] as Buffer).toString('utf8');
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    this.removeAbort?.();
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.resolve({
      statusCode: this.statusCode,
      headers: this.headers,
      text: body ? body.toString('utf8') : '',
    });
  }

  onError(error: Error): void {
    this.removeAbort?.();
    this.reject(this.cancel?.aborted ? this.cancel.reason : error);
  }
}

/** Sends `options` and resolves with the whole answer. */
export function requestWhole(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  cancel: Cancellation | undefined,
): Promise<WholeAnswer> {
  return new Promise((resolve, reject) => {
    try {
      dispatcher.dispatch(options, new WholeAnswerHandler(cancel, resolve, reject));
    } catch (error) {
      reject(error);
    }
  });
}
