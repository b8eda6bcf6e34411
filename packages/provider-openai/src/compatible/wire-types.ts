// The OpenAI Chat Completions wire format, as far as Loom reads or writes it. Every field a
// server may omit is optional: OpenAI-compatible servers differ in what they fill in.

/** A content part of a user message on the wire. */
export type WireContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } };

/** A tool call as the wire carries it in assistant messages and responses. */
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One message of the request body. */
export type WireMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | WireContentPart[]; name?: string }
  | { role: 'assistant'; content: string | null; tool_calls?: WireToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** The request body of `POST /chat/completions`. */
export interface WireChatRequest {
  model: string;
  messages: WireMessage[];
  [key: string]: unknown;
}

/** `usage` of a completion or of the final stream chunk. */
export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** The response body of a non-streamed completion. */
export interface WireChatCompletion {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    message?: {
      role?: string;
      content?: string | null;
      refusal?: string | null;
      reasoning_content?: string | null;
      tool_calls?: Array<Partial<WireToolCall>> | null;
    };
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
}

/** A tool-call fragment inside a stream chunk's delta. */
export interface WireToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** One `data:` payload of a streamed completion. */
export interface WireChatChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: {
      role?: string | null;
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: WireToolCallDelta[] | null;
    } | null;
    finish_reason?: string | null;
  }>;
  usage?: WireUsage | null;
  error?: unknown;
}

/** The response body of `POST /embeddings`. */
export interface WireEmbeddingList {
  model?: string;
  data?: Array<{ index?: number; embedding?: number[] }>;
  usage?: { prompt_tokens?: number; total_tokens?: number } | null;
}

/** The response body of `GET /models`. */
export interface WireModelList {
  data?: Array<{ id?: string; owned_by?: string }>;
}
