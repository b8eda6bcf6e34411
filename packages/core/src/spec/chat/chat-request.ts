import type { ProviderOptions } from '../shared/json.js';
import type { ChatMessage } from './chat-message.js';
import type { RequestMetadata } from './request-metadata.js';
import type { ResponseFormat } from './response-format.js';
import type { ChatTool, ToolChoice } from './tool.js';

/** What a caller may ask the router to optimise for, as in Loom's original design. */
export type RoutingPriority = 'balanced' | 'cost' | 'latency';

/**
 * A chat completion request in Loom's normalized shape. The kernel receives it with `model` set
 * to an alias or `provider/model`; a provider receives it with `model` set to its own model id.
 */
export interface ChatRequest {
  /** Model alias (`chat`), `providerId/modelId`, or, in a provider, the upstream model id. */
  model: string;
  /** The conversation, oldest first. At least one message. */
  messages: ChatMessage[];
  /** Functions the model may call. */
  tools?: ChatTool[];
  /** Whether and which tool the model must call. */
  toolChoice?: ToolChoice;
  /** Text, JSON, or JSON matching a schema. */
  responseFormat?: ResponseFormat;
  /** Sampling temperature, 0 to 2. */
  temperature?: number;
  /** Nucleus sampling probability mass, 0 to 1. */
  topP?: number;
  /** Upper bound on generated tokens. Budgets use it to reserve the worst-case cost. */
  maxTokens?: number;
  /** Sequences that end generation. */
  stop?: string[];
  /** Seed for providers that support reproducible sampling. */
  seed?: number;
  /** Routing hint; the router may ignore it. */
  priority?: RoutingPriority;
  /** Session, user and tags, for budgets and reports. */
  metadata?: RequestMetadata;
  /** Provider-specific options, keyed by provider type. */
  providerOptions?: ProviderOptions;
}
