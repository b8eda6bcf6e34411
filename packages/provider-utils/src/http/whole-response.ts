import { type Dispatcher, util } from 'undici';
import type { CallCancel } from './undici-abort.js';

/** A whole answer: status, headers and body text. */
export interface WholeResponse {
  statusCode: number;
  /**
   * Parsed for an error status only (its mapping reads `retry-after` and the like): turning
   * undici's raw headers into an object cost about 4% of the gateway's CPU, for answers whose
   * headers nobody reads. Empty for a success.
   */
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Largest body kept of an answer with an error status, in bytes: error bodies are small. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * An undici dispatch handler that collects a whole answer. `request()` makes a Readable body
 * (with an async resource and a listener per event) for every answer; a JSON answer is read
 * whole anyway, and collecting it here costs a fraction of that. Abandoning the call aborts the
 * exchange, and the promise rejects with the reason.
 */
class WholeResponseHandler implements Dispatcher.DispatchHandler {
  private abort: ((reason: Error) => void) | undefined;
  private unregister: (() => void) | undefined;
  private statusCode = 0;
  private headers: WholeResponse['headers'] = {};
  private first: Buffer | undefined;
  private more: Buffer[] | undefined;
  private size = 0;

  constructor(
    private readonly cancel: CallCancel,
    private readonly resolve: (response: WholeResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  onConnect(abort: (reason: Error) => void): void {
    const cancel = this.cancel;
    if (cancel.aborted) {
      abort(cancel.reason as Error);
      return;
    }
    this.abort = abort;
    if (this.unregister) return;
    const onAbort = () => this.abort?.(cancel.reason as Error);
    if ('addEventListener' in cancel) {
      cancel.addEventListener('abort', onAbort, { once: true });
      this.unregister = () => cancel.removeEventListener('abort', onAbort);
    } else {
      this.unregister = cancel.onAbort(onAbort);
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.statusCode = statusCode;
    if (statusCode >= 300) this.headers = util.parseHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.statusCode >= 300 && this.size >= ERROR_BODY_LIMIT) return true;
    // Most answers arrive in one chunk: the list is made only for a second one.
    if (this.first === undefined) this.first = chunk;
    else if (this.more === undefined) this.more = [this.first, chunk];
    else this.more.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    this.unregister?.();
    const whole = this.more ? Buffer.concat(this.more, this.size) : this.first;
    this.resolve({
      statusCode: this.statusCode,
      headers: this.headers,
      text: whole ? whole.toString('utf8') : '',
    });
  }

  onError(error: Error): void {
    this.unregister?.();
    this.reject(this.cancel.aborted ? this.cancel.reason : error);
  }
}

/** Sends `options` through `dispatcher` and resolves with the whole answer. */
export function dispatchWhole(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  cancel: CallCancel,
): Promise<WholeResponse> {
  return new Promise((resolve, reject) => {
    const handler = new WholeResponseHandler(cancel, resolve, reject);
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      reject(error);
    }
  });
}
