import { z } from 'zod';

/** Settings of `createPlainchat`, checked once when the provider is made. */
export const plainchatSettingsSchema = z.strictObject({
  /** Provider id, used in `plainchat/<model>` targets. */
  id: z.string().trim().min(1).default('plainchat'),
  /** Where the server listens. */
  baseURL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080'),
  /** Sent as `Authorization: Bearer ...` when set. */
  apiKey: z.string().min(1).optional(),
  /** Limit for the answer to start (a stream: its first line), milliseconds. */
  headersTimeoutMs: z.number().int().positive().default(60_000),
  /** Limit for silence inside an answer, milliseconds. */
  bodyTimeoutMs: z.number().int().positive().default(30_000),
});

/** What `createPlainchat` accepts: every field optional. */
export type PlainchatSettings = z.input<typeof plainchatSettingsSchema>;
