import type {
  ChatRequest,
  ChatStreamPart,
  EmbedRequest,
  FinishReason,
  JSONValue,
  ToolCall,
  Usage,
} from '@loom/core';

/** An error to throw, or a factory making a fresh one per use (stacks stay accurate). */
export type MockErrorSource = Error | (() => Error);

/**
 * Answer with text and/or tool calls. Used for `doStream`, the text is streamed word by word,
 * followed by tool-call deltas, a usage part and the finish part.
 */
export interface MockReplyStep {
  /** Discriminator. */
  type: 'reply';
  /** Answer text; default ''. */
  text?: string;
  /** Tool calls the model makes. */
  toolCalls?: ToolCall[];
  /** Replaces parts of the word-count usage; `totalTokens` defaults to input + output. */
  usage?: Partial<Usage>;
  /** Default `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: FinishReason;
  /** Model reported in the response; default the request's model. */
  model?: string;
  /** Upstream response id; default `mock-<n>`. */
  id?: string;
  /** Wait before answering (before `doStream` resolves, for streams). */
  delayMs?: number;
}

/** Fail the call with `error`, after an optional delay. */
export interface MockErrorStep {
  /** Discriminator. */
  type: 'error';
  /** What to throw. */
  error: MockErrorSource;
  /** Wait before failing. */
  delayMs?: number;
}

/**
 * A scripted stream. Strings become text deltas; parts are yielded as given. Unless the chunks
 * hold a finish part or `omitFinish` is set, a usage part (when none was given) and a finish part
 * are appended. Used for `doChat`, the parts are assembled into one response.
 */
export interface MockStreamStep {
  /** Discriminator. */
  type: 'stream';
  /** Text chunks and/or explicit parts, in order. */
  chunks: ReadonlyArray<string | ChatStreamPart>;
  /** Wait before `doStream` resolves (the upstream accepting the request). */
  delayMs?: number;
  /** Wait before the first part. */
  firstChunkDelayMs?: number;
  /** Wait before every later part. */
  chunkDelayMs?: number;
  /** Throw `error` from the iterator once `chunks` parts have been yielded. */
  failAfter?: { chunks: number; error: MockErrorSource };
  /** After this many parts, hang until the signal aborts or the consumer calls `return()`. */
  stallAfter?: number;
  /** End without a finish part (a cut stream). */
  omitFinish?: boolean;
  /** Replaces parts of the computed usage. */
  usage?: Partial<Usage>;
  /** Finish reason of the appended finish part; default `stop`. */
  finishReason?: FinishReason;
  /** Model reported when assembled for `doChat`. */
  model?: string;
}

/** Never settle until the call's signal aborts, then reject with its reason. */
export interface MockHangStep {
  /** Discriminator. */
  type: 'hang';
}

/** One scripted upstream behaviour, consumed by one `doChat`, `doStream` or `doEmbed` call. */
export type MockStep = MockReplyStep | MockErrorStep | MockStreamStep | MockHangStep;

/** The operations that consume steps. */
export type MockStepOperation = 'chat' | 'stream' | 'embed';

/**
 * Chooses a step from the request, for fallbacks that depend on what was asked (a slow request,
 * a failing one). Returning `undefined` means the default echo reply.
 */
export type MockResponder = (
  request: ChatRequest | EmbedRequest,
  operation: MockStepOperation,
) => MockStep | undefined;

/** A reply step with `text`. */
export function mockReply(
  text: string,
  options: Omit<MockReplyStep, 'type' | 'text'> = {},
): MockReplyStep {
  return { type: 'reply', text, ...options };
}

/** A reply step with one tool call; `args` objects are serialised to JSON text. */
export function mockToolCall(
  name: string,
  args: JSONValue | string,
  options: Omit<MockReplyStep, 'type' | 'toolCalls'> & { callId?: string } = {},
): MockReplyStep {
  const { callId, ...rest } = options;
  const call: ToolCall = {
    id: callId ?? `call_${name}`,
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
  };
  return { type: 'reply', toolCalls: [call], finishReason: 'tool_calls', ...rest };
}

/** An error step. */
export function mockError(
  error: MockErrorSource,
  options: { delayMs?: number } = {},
): MockErrorStep {
  return { type: 'error', error, ...options };
}

/** A stream step. */
export function mockStream(
  chunks: ReadonlyArray<string | ChatStreamPart>,
  options: Omit<MockStreamStep, 'type' | 'chunks'> = {},
): MockStreamStep {
  return { type: 'stream', chunks, ...options };
}

/** A hang step. */
export function mockHang(): MockHangStep {
  return { type: 'hang' };
}

/** The error a step describes, fresh when it is a factory. */
export function resolveError(source: MockErrorSource): Error {
  return typeof source === 'function' ? source() : source;
}
