import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown());
const nonEmpty = z.string().min(1, 'must be a non-empty string');

export const textPartSchema = z.strictObject({ type: z.literal('text'), text: z.string() });

export const imagePartSchema = z.strictObject({
  type: z.literal('image'),
  url: z.string().regex(/^(https?:|data:)/, 'must be an http(s): or data: URL'),
  mediaType: z.string().optional(),
  detail: z.enum(['auto', 'low', 'high']).optional(),
});

export const toolCallSchema = z.strictObject({
  id: nonEmpty,
  name: nonEmpty,
  arguments: z.string(),
});

export const chatMessageSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.string() }),
  z.strictObject({
    role: z.literal('user'),
    content: z.union([
      z.string(),
      z.array(z.discriminatedUnion('type', [textPartSchema, imagePartSchema])).min(1),
    ]),
    name: z.string().optional(),
  }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    toolCalls: z.array(toolCallSchema).optional(),
  }),
  z.strictObject({ role: z.literal('tool'), toolCallId: nonEmpty, content: z.string() }),
]);

export const chatToolSchema = z.strictObject({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
  description: z.string().optional(),
  parameters: jsonObject,
  strict: z.boolean().optional(),
});

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('tool'), name: nonEmpty }),
]);

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: nonEmpty,
    schema: jsonObject,
    description: z.string().optional(),
    strict: z.boolean().optional(),
  }),
]);

export const requestMetadataSchema = z.strictObject({
  sessionId: z.string().optional(),
  user: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const providerOptionsSchema = z.record(z.string(), jsonObject);

/** Validates a `ChatRequest` as the kernel receives it. Unknown keys are errors, not dropped. */
export const chatRequestSchema = z.strictObject({
  model: nonEmpty,
  messages: z.array(chatMessageSchema).min(1, 'must hold at least one message'),
  tools: z.array(chatToolSchema).optional(),
  toolChoice: toolChoiceSchema.optional(),
  responseFormat: responseFormatSchema.optional(),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  maxTokens: z.number().int().positive().optional(),
  stop: z.array(z.string()).max(16).optional(),
  seed: z.number().int().optional(),
  priority: z.enum(['balanced', 'cost', 'latency']).optional(),
  metadata: requestMetadataSchema.optional(),
  providerOptions: providerOptionsSchema.optional(),
});

/** Validates an `EmbedRequest`; a single string input becomes a one-element list. */
export const embedRequestSchema = z.strictObject({
  model: nonEmpty,
  input: z
    .union([z.string(), z.array(z.string()).min(1, 'must hold at least one text')])
    .transform((input) => (typeof input === 'string' ? [input] : input)),
  dimensions: z.number().int().positive().optional(),
  metadata: requestMetadataSchema.optional(),
  providerOptions: providerOptionsSchema.optional(),
});
