import type { ChatResponse } from '../spec/chat/chat-response.js';
import type { Deployment } from '../spec/routing/deployment.js';

/** A cached answer. */
export interface CacheEntry {
  response: ChatResponse;
  /** Deployment that produced it. */
  deployment: Deployment;
  /** When it was stored, epoch milliseconds. */
  storedAt: number;
}

/**
 * Where cached answers live. The default is an in-memory LRU; a shared store (Redis) implements
 * the same three methods. Methods may be sync or async.
 */
export interface CacheStore {
  get(key: string): CacheEntry | undefined | PromiseLike<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry, ttlMs: number): void | PromiseLike<void>;
  delete?(key: string): void | PromiseLike<void>;
}

/** A size-bounded LRU with per-entry expiry, relying on Map's insertion order. */
export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, { entry: CacheEntry; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CacheEntry | undefined {
    const found = this.entries.get(key);
    if (!found) return undefined;
    if (found.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert: the most recently used entry moves to the end.
    this.entries.delete(key);
    this.entries.set(key, found);
    return found.entry;
  }

  set(key: string, entry: CacheEntry, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { entry, expiresAt: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
