/**
 * Contract of the simulated upstreams (`startOpenAIServer`, `startOllamaServer`,
 * `startVllmServer`, and `startFakeUpstream` for any other wire): real HTTP servers on
 * 127.0.0.1 that speak each wire format faithfully and inject faults on demand, so providers,
 * the kernel and the gateway are tested against bytes shaped exactly like the real services'.
 */

/** A failure the simulator can produce instead of (or in the middle of) a normal answer. */
export type Fault =
  /** Answer with this status and body (JSON value or raw text) and headers, e.g. a 429 with Retry-After. */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Destroy the socket before sending any response byte (the client sees a reset). */
  | { type: 'reset' }
  /** Accept the request and never answer, until the client goes away. */
  | { type: 'hang' }
  /** Stream `afterChunks` content chunks, then keep the connection open and send nothing more. */
  | { type: 'stall'; afterChunks: number }
  /** Stream `afterChunks` content chunks, then destroy the socket: no finish, no `[DONE]` / `done`. */
  | { type: 'cut'; afterChunks: number }
  /** Stream `afterChunks` content chunks, then one chunk that is not valid JSON. */
  | { type: 'malformed'; afterChunks: number }
  /** Stream `afterChunks` content chunks, then the wire's in-band error object, then end. */
  | { type: 'in-band-error'; afterChunks: number; message?: string }
  /** Add this much delay before the response headers (non-stream) or the first chunk (stream). */
  | { type: 'delay'; ms: number };

/** Which requests a fault applies to, and how many times. */
export interface FaultRule {
  /** The fault to produce. */
  fault: Fault;
  /** Only requests for this model. */
  model?: string;
  /** Only requests to this path (`/v1/chat/completions`, `/api/chat`, `/health`). */
  path?: string;
  /** Apply to this many matching requests, then stop ("fail N times, then succeed"); default forever. */
  times?: number;
}

/** One request the simulator received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** True when the client closed the connection before the response finished. */
  aborted: boolean;
  /** The fault applied, if any. */
  fault?: Fault;
  /** When the request arrived, epoch milliseconds. */
  receivedAt: number;
  /**
   * What a chat route answered, once it started answering normally: the text it sent (the JSON
   * text of tool-call arguments for a tool call) and the usage it reported in the response
   * (absent when it reported none, e.g. a stream without `stream_options.include_usage`).
   */
  answer?: SimulatedAnswer;
}

/** What the simulator answered a chat request with. */
export interface SimulatedAnswer {
  /** The whole answer text (tool-call arguments for a tool call). */
  text: string;
  /** Name of the called tool, when the answer is a tool call. */
  toolName?: string;
  /** Finish reason in the wire's own words (`stop`, `length`, `tool_calls`). */
  finishReason: string;
  /** The token counts the wire reported, when it reported them. */
  usage?: { inputTokens: number; outputTokens: number };
}

/** How a simulator generates normal answers. */
export interface SimulatedBehaviour {
  /** Models it serves; default one chat model and one embedding model per wire. */
  models?: string[];
  /** Delay before response headers, ms; default 0. */
  latencyMs?: number;
  /** Extra delay before the first streamed chunk, ms; default 0. */
  timeToFirstTokenMs?: number;
  /** Streaming speed; default unlimited (chunks sent back to back). */
  tokensPerSecond?: number;
  /** The answer text for a request; default echoes the last user message. */
  reply?: (body: unknown) => string;
  /** API key the server requires (`Authorization: Bearer ...`); default none. */
  apiKey?: string;
}

/** A running simulator. */
export interface SimulatedUpstream {
  /** Origin, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** What a provider's `baseURL` should be (`.../v1` for OpenAI and vLLM, the origin for Ollama). */
  readonly baseURL: string;
  /** Every request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Adds a fault rule; rules are checked in insertion order. */
  inject(rule: FaultRule): void;
  /** Removes every fault rule. */
  clearFaults(): void;
  /** Forgets recorded requests. */
  clearRequests(): void;
  /** Stops the server and destroys open connections. */
  close(): Promise<void>;
}
