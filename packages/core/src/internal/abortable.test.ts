import { describe, expect, it } from 'vitest';
import { Cancellation } from '../cancel/cancellation.js';
import { AbortableWaits } from './abortable.js';

const never = new Promise<never>(() => {});

/** Counts `onAbort` registrations, the cost `AbortableWaits` keeps to one. */
class CountingScope extends Cancellation {
  registrations = 0;
  override onAbort(callback: (reason: unknown) => void): () => void {
    this.registrations += 1;
    return super.onAbort(callback);
  }
}

describe('AbortableWaits', () => {
  it('passes values and errors through, registering one abort callback for every wait', async () => {
    const scope = new CountingScope();
    const waits = new AbortableWaits(scope);
    for (let i = 0; i < 5; i++) await expect(waits.wait(Promise.resolve(i))).resolves.toBe(i);
    const failure = new Error('upstream');
    await expect(waits.wait(Promise.reject(failure))).rejects.toBe(failure);
    expect(scope.registrations).toBe(1);
  });

  it('rejects the wait in progress on abort, even when the value never settles', async () => {
    const scope = new Cancellation();
    const waits = new AbortableWaits(scope);
    await waits.wait(Promise.resolve('first'));
    const pending = waits.wait(never);
    const reason = new Error('stop');
    scope.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects at once when already aborted, and ignores the late value', async () => {
    const scope = new Cancellation();
    const waits = new AbortableWaits(scope);
    scope.abort('gone');
    // The rejected value must not surface as an unhandled rejection.
    await expect(waits.wait(Promise.reject(new Error('late')))).rejects.toBe('gone');
  });

  it('leaves a settled wait alone when the owner aborts later', async () => {
    const scope = new Cancellation();
    const waits = new AbortableWaits(scope);
    const settled = waits.wait(Promise.resolve('kept'));
    await expect(settled).resolves.toBe('kept');
    scope.abort('after');
    await expect(settled).resolves.toBe('kept');
  });
});
