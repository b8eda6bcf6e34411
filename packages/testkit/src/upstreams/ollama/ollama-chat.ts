import { splitWords } from '../../internal/words.js';
import type { AnswerPlan } from '../answer/plan-answer.js';
import type { StreamFrames } from '../server/stream-writer.js';

/** Nanosecond marks of one answer, for Ollama's duration fields. */
export class OllamaClock {
  private readonly start = process.hrtime.bigint();
  private loaded = this.start;
  private firstToken: bigint | undefined;

  /** The model is in memory now (after a cold start, or at once when warm). */
  markLoaded(): void {
    this.loaded = process.hrtime.bigint();
    this.firstToken = undefined;
  }

  /** The first token is out. */
  markFirstToken(): void {
    this.firstToken ??= process.hrtime.bigint();
  }

  /** Durations in nanoseconds, each at least 1 as a real run's are. */
  durations() {
    const now = process.hrtime.bigint();
    const first = this.firstToken ?? now;
    const ns = (from: bigint, to: bigint) => Math.max(1, Number(to - from));
    return {
      total_duration: ns(this.start, now),
      load_duration: ns(this.start, this.loaded),
      prompt_eval_duration: ns(this.loaded, first),
      eval_duration: ns(first, now),
    };
  }
}

/** Ollama's `done_reason` for a plan (a tool call ends with `stop`, as Ollama reports it). */
export const doneReasonOf = (plan: AnswerPlan) =>
  plan.kind === 'text' && plan.truncated ? 'length' : 'stop';

/** The assistant message of a plan; `content` empty for a tool call. */
export function assistantMessage(plan: AnswerPlan, text = plan.kind === 'text' ? plan.text : '') {
  if (plan.kind === 'text') return { role: 'assistant', content: text };
  const call = { function: { name: plan.name, arguments: JSON.parse(plan.arguments) as unknown } };
  return { role: 'assistant', content: '', tool_calls: [call] };
}

/** The fields of the last object: `done`, the reason, durations and (unless omitted) counts. */
export function doneFields(plan: AnswerPlan, clock: OllamaClock, omitCounts: boolean) {
  const durations = clock.durations();
  const counts = omitCounts
    ? {}
    : { prompt_eval_count: plan.promptTokens, eval_count: plan.completionTokens };
  return {
    done_reason: doneReasonOf(plan),
    done: true,
    total_duration: durations.total_duration,
    load_duration: durations.load_duration,
    ...('prompt_eval_count' in counts ? { prompt_eval_count: counts.prompt_eval_count } : {}),
    prompt_eval_duration: durations.prompt_eval_duration,
    ...('eval_count' in counts ? { eval_count: counts.eval_count } : {}),
    eval_duration: durations.eval_duration,
  };
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

/** The NDJSON lines of a streamed chat answer. */
export function ollamaFrames(
  model: string,
  plan: AnswerPlan,
  clock: OllamaClock,
  omitCounts: boolean,
): StreamFrames {
  const stamp = () => new Date().toISOString();
  const pieces = plan.kind === 'tool' ? [''] : splitWords(plan.text);
  const content = pieces.map((piece) =>
    line({ model, created_at: stamp(), message: assistantMessage(plan, piece), done: false }),
  );
  return {
    contentType: 'application/x-ndjson',
    head: [],
    content,
    tail: () => [
      line({
        model,
        created_at: stamp(),
        message: { role: 'assistant', content: '' },
        ...doneFields(plan, clock, omitCounts),
      }),
    ],
    malformed: `{"model":"${model}","created_at":"${stamp()}","message":{"role":\n`,
    inBandError: (message) => [line({ error: message })],
    onContent: () => clock.markFirstToken(),
  };
}
