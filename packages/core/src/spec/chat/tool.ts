import type { JSONObject } from '../shared/json.js';

/** A function the model may call. */
export interface ChatTool {
  /** Discriminator; only functions exist today. */
  type: 'function';
  /** Function name, `^[a-zA-Z0-9_-]{1,64}$` as OpenAI requires. */
  name: string;
  /** What the function does, for the model. */
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JSONObject;
  /** Ask the provider to enforce the schema exactly, where it can. */
  strict?: boolean;
}

/**
 * Whether and which tool the model must call: `auto` (model decides), `none`, `required` (any
 * tool), or one named tool.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string };

/** A complete tool call made by the model. */
export interface ToolCall {
  /** Upstream id of the call, echoed back in the matching tool message. */
  id: string;
  /** Name of the called function. */
  name: string;
  /** Arguments as JSON text, exactly as the model produced them (it may be invalid JSON). */
  arguments: string;
}
