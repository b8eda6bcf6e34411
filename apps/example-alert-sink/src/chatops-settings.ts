import { z } from 'zod';

/** Settings of `createChatopsSink`, checked once when the sink is made. */
export const chatopsSettingsSchema = z.strictObject({
  /** Sink name, unique among a kernel's sinks. */
  name: z.string().trim().min(1).default('chatops'),
  /** The endpoint each alert is posted to. */
  url: z.url({ protocol: /^https?$/ }),
  /** Sent as `Authorization: Bearer ...` when set. */
  token: z.string().min(1).optional(),
  /** Limit for one delivery, milliseconds. */
  timeoutMs: z.number().int().positive().default(5_000),
});

/** What `createChatopsSink` accepts. */
export type ChatopsSettings = z.input<typeof chatopsSettingsSchema>;
