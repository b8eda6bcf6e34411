/**
 * Contract of `startFakeUpstream`: the author of a provider for a wire Loom has no simulator for
 * describes how that wire answers, and the fake upstream does the rest (routing, recording,
 * every `Fault`, pacing), so the provider conformance suite can run against it.
 */

/** What the fake upstream answered a chat with, in the wire's terms. */
export interface FakeReply {
  model: string;
  /** The whole answer text. */
  text: string;
  /** Always 'stop' for a normal answer. */
  finishReason: string;
  usage: { inputTokens: number; outputTokens: number };
}

/** How a wire answers: the author of a provider for a new wire writes one of these. */
export interface FakeWire {
  /** Path prefix the provider's baseURL carries ('' or '/v1'); `SimulatedUpstream.baseURL` = origin + basePath. Default ''. */
  basePath?: string;
  /** Chat route (POST), from the origin, e.g. '/api/generate'. */
  chatPath: string;
  /** Model list route (GET), from the origin. */
  modelsPath: string;
  /** Health route (GET), from the origin; answered 200 with `health()` (default `{ status: 'ok' }`) unless a fault matches. */
  healthPath?: string;
  health?: () => unknown;
  /** Reads a chat request body (parsed JSON): the model, whether it asks for a stream, and the prompt text the default reply echoes. */
  readChat(body: unknown): { model: string | undefined; stream: boolean; prompt: string };
  /** The JSON body of a whole (non-streamed) answer. */
  answer(reply: FakeReply): unknown;
  /** The JSON body of the model list. */
  models(ids: readonly string[]): unknown;
  /** The JSON body of an error answer with this status (used for `{ type: 'status' }` faults without a body, an unknown model (404), a wrong API key (401)). */
  error(status: number, message: string): unknown;
  stream: {
    /** 'application/x-ndjson', 'text/event-stream', ... */
    contentType: string;
    /** One content frame carrying `delta`, terminator included (NDJSON: JSON + '\n'; SSE: 'data: ...\n\n'). */
    chunk(delta: string, reply: FakeReply): string;
    /** Everything after the last content frame: finish, usage, end marker. */
    end(reply: FakeReply): string;
    /** An in-band error frame. */
    error(message: string): string;
  };
}
