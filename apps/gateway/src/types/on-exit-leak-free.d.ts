// on-exit-leak-free ships no types; what the logger uses of it.
declare module 'on-exit-leak-free' {
  /** Calls `fn(object, event)` at `exit` (or `beforeExit`) while `object` is alive (a WeakRef). */
  export function register<T extends object>(
    object: T,
    fn: (object: T, event: 'exit' | 'beforeExit') => void,
  ): void;
  export function unregister(object: object): void;
}
