import { TimeoutError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { Exchange } from '../../src/http/exchange.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Exchange', () => {
  it("aborts with the caller's own reason and stops listening on release", () => {
    const caller = new AbortController();
    const exchange = new Exchange(caller.signal, 'ollama');
    const reason = new Error('gone');
    caller.abort(reason);
    expect(exchange.reason).toBe(reason);
    const later = new Exchange(new AbortController().signal, 'ollama');
    later.release();
    expect(later.reason).toBeUndefined();
  });

  it('starts aborted when the caller already is', () => {
    const caller = new AbortController();
    caller.abort('early');
    expect(new Exchange(caller.signal, 'ollama').reason).toBe('early');
  });

  it('aborts with a TimeoutError of the armed phase, unless disarmed in time', async () => {
    const exchange = new Exchange(new AbortController().signal, 'ollama');
    exchange.arm('first-chunk', 20);
    exchange.disarm();
    await sleep(40);
    expect(exchange.reason).toBeUndefined();
    exchange.arm('idle', 20);
    await sleep(60);
    expect(TimeoutError.isInstance(exchange.reason)).toBe(true);
    expect(exchange.reason).toMatchObject({ phase: 'idle', timeoutMs: 20, provider: 'ollama' });
  });
});
