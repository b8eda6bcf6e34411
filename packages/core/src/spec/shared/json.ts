/** A JSON value, as found in tool arguments, JSON schemas and provider-specific options. */
export type JSONValue = null | string | number | boolean | JSONObject | JSONValue[];

/** A JSON object. */
export type JSONObject = { [key: string]: JSONValue | undefined };

/**
 * Options for one provider type, keyed by that provider's `type` (for example
 * `{ ollama: { keep_alive: '5m' } }`). A provider reads only its own key and ignores the rest, so
 * one request can carry options for every provider it may be routed to.
 */
export type ProviderOptions = Record<string, JSONObject>;
