import { z } from 'zod';
import { toolCallSchema } from './chat-request-schema.js';

const count = z.number().int().nonnegative();

/** Validates `Usage`; providers and conformance tests use it on what they return. */
export const usageSchema = z.strictObject({
  inputTokens: count,
  outputTokens: count,
  totalTokens: count,
  cachedInputTokens: count.optional(),
  reasoningTokens: count.optional(),
  estimated: z.boolean(),
});

export const finishReasonSchema = z.enum([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'error',
  'other',
]);

const providerMetadata = z.record(z.string(), z.record(z.string(), z.unknown())).optional();

/** Validates a `ChatResponse`. */
export const chatResponseSchema = z.strictObject({
  id: z.string().optional(),
  model: z.string(),
  message: z.strictObject({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    toolCalls: z.array(toolCallSchema).optional(),
  }),
  finishReason: finishReasonSchema,
  usage: usageSchema,
  providerMetadata,
});

/** Validates one `ChatStreamPart`. */
export const chatStreamPartSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('response-metadata'),
    id: z.string().optional(),
    model: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('text-delta'), delta: z.string().min(1) }),
  z.strictObject({ type: z.literal('reasoning-delta'), delta: z.string() }),
  z.strictObject({
    type: z.literal('tool-call-delta'),
    index: count,
    id: z.string().optional(),
    name: z.string().optional(),
    argumentsDelta: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('usage'), usage: usageSchema }),
  z.strictObject({
    type: z.literal('finish'),
    finishReason: finishReasonSchema,
    usage: usageSchema.optional(),
    providerMetadata,
  }),
]);

/** Validates an `EmbedResponse`. */
export const embedResponseSchema = z.strictObject({
  model: z.string(),
  embeddings: z.array(z.array(z.number())),
  usage: usageSchema,
});

/** Validates `ModelCapabilities` (shared by provider settings and gateway config). */
export const modelCapabilitiesSchema = z.strictObject({
  chat: z.boolean().optional(),
  streaming: z.boolean().optional(),
  tools: z.boolean().optional(),
  vision: z.boolean().optional(),
  jsonSchema: z.boolean().optional(),
  embeddings: z.boolean().optional(),
  reasoning: z.boolean().optional(),
});

/** Validates `ModelInfo`. */
export const modelInfoSchema = z.strictObject({
  id: z.string().min(1),
  contextWindow: count.optional(),
  maxOutputTokens: count.optional(),
  capabilities: modelCapabilitiesSchema,
  ownedBy: z.string().optional(),
  loaded: z.boolean().optional(),
});

/** Validates a `HealthReport`. */
export const healthReportSchema = z.strictObject({
  status: z.enum(['up', 'degraded', 'down']),
  checkedAt: z.number(),
  latencyMs: z.number().nonnegative().optional(),
  message: z.string().optional(),
  version: z.string().optional(),
  models: z.array(z.strictObject({ id: z.string(), loaded: z.boolean() })).optional(),
});

/** Validates a `Metric`; collectors and conformance tests use it on what they emit. */
export const metricSchema = z.strictObject({
  name: z.string().min(1),
  value: z.number().refine(Number.isFinite, 'must be a finite number'),
  kind: z.enum(['gauge', 'counter', 'histogram']),
  unit: z.string().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  timestamp: z.number(),
});

/** Validates an `Alert`. */
export const alertSchema = z.strictObject({
  id: z.string().min(1),
  rule: z.string().min(1),
  severity: z.enum(['info', 'warning', 'critical']),
  state: z.enum(['firing', 'resolved']),
  message: z.string(),
  labels: z.record(z.string(), z.string()),
  value: z.number().optional(),
  timestamp: z.number(),
});
