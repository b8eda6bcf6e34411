/** Something that can be aborted without an EventTarget (see KernelRequestContext). */
export interface Abortable {
  readonly aborted: boolean;
  readonly abortReason: unknown;
  onAbort(callback: (reason: unknown) => void): () => void;
}

/**
 * Settles with `value`, or rejects with the abort reason as soon as `owner` aborts, even when the
 * callee ignores its signal: a misbehaving provider cannot hold a request past its deadline.
 */
export function abortable<T>(value: PromiseLike<T>, owner: Abortable): Promise<T> {
  if (owner.aborted) {
    // The callee will likely reject too; nobody else is listening to it.
    value.then(undefined, () => {});
    return Promise.reject(owner.abortReason);
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
