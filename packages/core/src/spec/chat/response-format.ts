import type { JSONObject } from '../shared/json.js';

/**
 * The shape the answer must take: free text, any JSON object, or JSON matching a schema
 * (structured output). Providers map it to their own wire field (`response_format`, Ollama's
 * `format`).
 */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      /** Schema name, required by OpenAI. */
      name: string;
      /** The JSON Schema. */
      schema: JSONObject;
      /** What the schema describes, for the model. */
      description?: string;
      /** Ask for exact schema adherence where supported. */
      strict?: boolean;
    };
