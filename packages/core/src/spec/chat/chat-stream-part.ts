import type { JSONObject } from '../shared/json.js';
import type { Usage } from '../shared/usage.js';
import type { FinishReason } from './finish-reason.js';

/** First facts about the response, before any text. Optional. */
export interface ResponseMetadataPart {
  /** Discriminator. */
  type: 'response-metadata';
  /** Upstream response id. */
  id?: string;
  /** Model that is answering. */
  model?: string;
}

/** A piece of answer text. */
export interface TextDeltaPart {
  /** Discriminator. */
  type: 'text-delta';
  /** Text to append. Never empty. */
  delta: string;
}

/** A piece of hidden reasoning, from models that stream it. */
export interface ReasoningDeltaPart {
  /** Discriminator. */
  type: 'reasoning-delta';
  /** Reasoning text to append. */
  delta: string;
}

/**
 * A piece of a tool call. The first delta of a call carries `id` and `name`; later ones append
 * to `argumentsDelta`. Deltas of different calls are told apart by `index`.
 */
export interface ToolCallDeltaPart {
  /** Discriminator. */
  type: 'tool-call-delta';
  /** Position of the call among this turn's calls, from 0. */
  index: number;
  /** Call id, on the first delta of a call. */
  id?: string;
  /** Function name, on the first delta of a call. */
  name?: string;
  /** JSON text to append to the call's arguments. */
  argumentsDelta?: string;
}

/**
 * Usage so far or in total. A provider emits it when the upstream reports it; a later usage part
 * replaces an earlier one (the numbers are cumulative, never increments).
 */
export interface UsagePart {
  /** Discriminator. */
  type: 'usage';
  /** Cumulative usage. */
  usage: Usage;
}

/** The end of the stream. Exactly one, and the last part; a stream without it was cut. */
export interface FinishPart {
  /** Discriminator. */
  type: 'finish';
  /** Why generation ended. */
  finishReason: FinishReason;
  /** Final usage, when known by now. */
  usage?: Usage;
  /** Upstream-specific facts, keyed by provider type. */
  providerMetadata?: Record<string, JSONObject>;
}

/**
 * One typed chunk of a streamed chat completion. Providers yield these; the kernel passes them to
 * callers as they arrive. Failures are thrown by the iterator, never yielded, so a consumer cannot
 * mistake a broken stream for a finished one.
 */
export type ChatStreamPart =
  | ResponseMetadataPart
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallDeltaPart
  | UsagePart
  | FinishPart;
