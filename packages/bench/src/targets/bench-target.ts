import type { Cancellation, ChatMessage } from '@loom/core';

/** What a benchmark sends: a chat completion, a streamed one, or embeddings. */
export type Scenario = 'chat' | 'stream' | 'embeddings';

/** One prompt of a benchmark. */
export interface BenchPrompt {
  /** Name shown in errors (`short`, `prompts.jsonl:12`). */
  id: string;
  /** The conversation sent for chat and stream scenarios. */
  messages: ChatMessage[];
  /** Upper bound on generated tokens; controls output length. */
  maxTokens?: number;
  /** Text embedded by the embeddings scenario; default the last user message. */
  input?: string;
}

/** One request the runner asks a target to make. */
export interface BenchCall {
  scenario: Scenario;
  prompt: BenchPrompt;
  /** Aborted at the per-request timeout; the target must stop the request and reject. */
  signal: AbortSignal;
  /**
   * The same cancellation as `signal`, given by the runner: a target may use it instead, and
   * then no AbortSignal is made for the call (the runner creates `signal` when first read).
   */
  cancellation?: Cancellation;
  /** When the call was started (or scheduled, in open loop), from `nowMs()`. */
  startedAt: number;
}

/** What a target observed about one successful call. Times come from `nowMs()`. */
export interface CallReport {
  /** When the first content token arrived (streams only). */
  firstTokenAt?: number;
  /** Gaps between successive content chunks of a stream, ms. */
  tokenGapsMs?: number[];
  inputTokens: number;
  outputTokens: number;
  /** Deployment that served the call (`provider/model`), when the target can tell. */
  deploymentId?: string;
}

/** Running cost totals of a target; the runner reads the difference over a run. */
export interface CostTotals {
  /** Integer micro-dollars. */
  micros: number;
  /** Calls or attempts that had a price. */
  priced: number;
  /** Calls or attempts with no known price (cost unknown, not zero). */
  unpriced: number;
}

/**
 * Something a benchmark can load: an OpenAI-compatible URL, a provider or a kernel. `call`
 * resolves with what it observed or rejects with the failure; the runner classifies it.
 */
export interface BenchTarget {
  /** What kind of target, for the results file. */
  readonly kind: 'http' | 'provider' | 'kernel';
  /** A human name: the URL, the provider id, `kernel`. */
  readonly name: string;
  /** The model (or alias) requests ask for. */
  readonly model: string;
  /** Makes one request. */
  call(call: BenchCall): Promise<CallReport>;
  /** Cost seen so far, when the target can see cost. */
  costTotals?(): CostTotals;
  /** Releases connections and listeners. */
  close?(): Promise<void>;
}
