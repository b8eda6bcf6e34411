/**
 * What the gateway learned about one request, written as one access line when the response
 * closes. Handlers fill in what they know; nothing here may hold a key or, unless prompt logging
 * is on, a prompt or an answer.
 */
export interface AccessRecord {
  requestId: string;
  method: string;
  path: string;
  /** Name of the gateway key used (`key-N` when unnamed); never the key. */
  keyName?: string;
  /** The model the caller asked for (an alias or `provider/model`). */
  requestedModel?: string;
  /** Provider and model that served. */
  provider?: string;
  model?: string;
  /** Attempts the kernel made, the successful one included. */
  attempts?: number;
  cache?: 'hit' | 'miss';
  stream?: boolean;
  tokens?: { input: number; output: number; total: number };
  /** The OpenAI error answered (as the status, or in-band in a stream). */
  error?: { code: string | null; type: string; message: string };
  /** The underlying failure of a 5xx, for operators; redacted on output like everything else. */
  cause?: unknown;
  /** Only with `logging.prompts: true`. */
  prompt?: unknown;
  answer?: string;
}
