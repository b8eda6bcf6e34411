import type { Cancellation } from '../cancel/cancellation.js';

/**
 * Settles with `value`, or rejects with the abort reason as soon as `owner` aborts, even when the
 * callee ignores its signal: a misbehaving provider cannot hold a request past its deadline.
 */
export function abortable<T>(value: PromiseLike<T>, owner: Cancellation): Promise<T> {
  if (owner.aborted) {
    // The callee will likely reject too; nobody else is listening to it.
    value.then(undefined, () => {});
    return Promise.reject(owner.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const unregister = owner.onAbort(reject);
    value.then(
      (result) => {
        unregister();
        resolve(result);
      },
      (error: unknown) => {
        unregister();
        reject(error);
      },
    );
  });
}

/** True for thenables, so sync answers skip an `await` on hot paths. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

const ignore = () => {};

/**
 * `abortable` for a sequence of waits on one owner, one at a time (a stream's chunks): one abort
 * callback registered for all of them, where `abortable` registered and removed one per wait and
 * allocated an executor, an unregister closure and two settle closures each time. A wait costs
 * its promise and one `then`; an abort rejects the wait in progress (a no-op once it settled).
 */
export class AbortableWaits {
  private resolveWait: (value: unknown) => void = ignore;
  private rejectWait: (reason: unknown) => void = ignore;
  private registered = false;

  constructor(private readonly owner: Cancellation) {}

  /** Like `abortable(value, owner)`; call again only after the previous wait settled. */
  wait<T>(value: PromiseLike<T>): Promise<T> {
    const owner = this.owner;
    if (owner.aborted) {
      value.then(undefined, ignore);
      return Promise.reject(owner.reason);
    }
    if (!this.registered) {
      this.registered = true;
      owner.onAbort(this.onAbort);
    }
    const waiting = new Promise<T>(this.capture);
    // The promise's own resolving functions: no closure of ours per wait.
    value.then(this.resolveWait, this.rejectWait);
    return waiting;
  }

  private readonly capture = (
    resolve: (value: never) => void,
    reject: (reason: unknown) => void,
  ) => {
    this.resolveWait = resolve as (value: unknown) => void;
    this.rejectWait = reject;
  };

  private readonly onAbort = (reason: unknown) => this.rejectWait(reason);
}
