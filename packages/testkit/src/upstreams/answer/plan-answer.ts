import { sampleFromSchema } from './sample-from-schema.js';
import { countPromptTokens, countSimulatedTokens, truncateToTokens } from './simulated-tokens.js';

/** A chat request reduced to what decides the simulated answer, whatever the wire. */
export interface AnswerRequest {
  /** Role and text of every message, oldest first. */
  messages: ReadonlyArray<{ role: string; text: string }>;
  /** Tools offered, with their parameters' JSON Schema. */
  tools: ReadonlyArray<{ name: string; parameters: unknown }>;
  /** Name of the tool the request makes the model call, when it forces one. */
  forcedTool?: string;
  /** JSON output: any object, or one matching a schema. */
  format?: { kind: 'json' } | { kind: 'schema'; schema: unknown };
  /** Upper bound on completion tokens. */
  maxTokens?: number;
}

/** What the simulator answers, with the token counts it reports. */
export type AnswerPlan = (
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'tool'; name: string; arguments: string }
) & { promptTokens: number; completionTokens: number };

/** The answer when there is no user message to echo. */
const GREETING = 'Hello.';

function answerText(request: AnswerRequest): string {
  const last = request.messages.findLast((message) => message.role === 'user')?.text ?? GREETING;
  const format = request.format;
  if (format?.kind === 'json') return JSON.stringify({ text: last });
  if (format?.kind === 'schema') return JSON.stringify(sampleFromSchema(format.schema));
  return last;
}

/**
 * Decides the answer: a call to the forced tool (arguments sampled from its schema), else the
 * `reply` option's text, else JSON for a JSON format, else the last user message echoed back.
 */
export function planAnswer(
  request: AnswerRequest,
  body: unknown,
  reply?: (body: unknown) => string,
): AnswerPlan {
  const promptTokens = countPromptTokens(request.messages.map((message) => message.text));
  if (request.forcedTool !== undefined && request.tools.length > 0) {
    const tool =
      request.tools.find((entry) => entry.name === request.forcedTool) ?? request.tools[0]!;
    const args = JSON.stringify(sampleFromSchema(tool.parameters));
    const completionTokens = countSimulatedTokens(`${tool.name} ${args}`);
    return { kind: 'tool', name: tool.name, arguments: args, promptTokens, completionTokens };
  }
  const { text, truncated } = truncateToTokens(
    reply?.(body) ?? answerText(request),
    request.maxTokens,
  );
  return {
    kind: 'text',
    text,
    truncated,
    promptTokens,
    completionTokens: countSimulatedTokens(text),
  };
}

/**
 * Splits tool-call arguments into streamed pieces the way real servers do: runs of letters and
 * digits apart from runs of punctuation (`{"`, `city`, `":"`, `Paris`, `"}`).
 */
export function splitArguments(text: string): string[] {
  return text.match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_]+/gu) ?? [];
}
