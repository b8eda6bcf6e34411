import { splitWords } from '../../internal/words.js';
import { randomId, unixSeconds } from '../answer/ids.js';
import { type AnswerPlan, splitArguments } from '../answer/plan-answer.js';
import type { StreamFrames } from '../server/stream-writer.js';
import type { ErrorDetail } from './openai-errors.js';
import type { AnswerUsage, OpenAIFlavour } from './openai-flavour.js';

/** Everything a completion needs: the plan, its identity and the flavour. */
export interface Completion {
  plan: AnswerPlan;
  model: string;
  flavour: OpenAIFlavour;
  usage: AnswerUsage;
  id: string;
  created: number;
  toolCallId: string;
}

/** Fixes a completion's id, timestamp and tool-call id, shared by all of its chunks. */
export function newCompletion(
  plan: AnswerPlan,
  model: string,
  flavour: OpenAIFlavour,
  usage: AnswerUsage,
): Completion {
  const id = `chatcmpl-${randomId(29)}`;
  return {
    plan,
    model,
    flavour,
    usage,
    id,
    created: unixSeconds(),
    toolCallId: `call_${randomId(24)}`,
  };
}

/** OpenAI's finish reason for a plan. */
export function finishReasonOf(plan: AnswerPlan): string {
  if (plan.kind === 'tool') return 'tool_calls';
  return plan.truncated ? 'length' : 'stop';
}

/** The number of content chunks the plan streams as, for pacing a non-stream answer. */
export function chunkCount(plan: AnswerPlan): number {
  return plan.kind === 'tool'
    ? splitArguments(plan.arguments).length
    : splitWords(plan.text).length;
}

/** The non-streamed `chat.completion` object. */
export function completionBody(completion: Completion): Record<string, unknown> {
  const { plan, flavour } = completion;
  const toolCall = {
    id: completion.toolCallId,
    type: 'function',
    function: plan.kind === 'tool' ? { name: plan.name, arguments: plan.arguments } : undefined,
  };
  const message =
    plan.kind === 'tool'
      ? { role: 'assistant', content: null, ...flavour.messageExtras, tool_calls: [toolCall] }
      : { role: 'assistant', content: plan.text, ...flavour.messageExtras };
  return {
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: finishReasonOf(plan),
        ...flavour.choiceExtras,
      },
    ],
    usage: flavour.usage(completion.usage),
    ...flavour.completionExtras(),
  };
}

const sse = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

/** The SSE frames of a streamed completion, with or without the usage chunk. */
export function completionFrames(completion: Completion, includeUsage: boolean): StreamFrames {
  const { plan, flavour } = completion;
  const usageField = includeUsage && flavour.usageNullOnChunks ? { usage: null } : {};
  const chunk = (choices: unknown[], extra: Record<string, unknown> = usageField) => ({
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    ...flavour.chunkExtras(),
    choices,
    ...extra,
  });
  const choice = (delta: Record<string, unknown>, finish: Record<string, unknown> = {}) =>
    sse(chunk([{ index: 0, delta, logprobs: null, finish_reason: null, ...finish }]));
  const role = { role: 'assistant', ...flavour.roleDeltaExtras };
  const head =
    plan.kind === 'tool'
      ? choice({
          ...role,
          content: null,
          tool_calls: [
            {
              index: 0,
              id: completion.toolCallId,
              type: 'function',
              function: { name: plan.name, arguments: '' },
            },
          ],
        })
      : choice({ ...role, content: '' });
  const content =
    plan.kind === 'tool'
      ? splitArguments(plan.arguments).map((piece) =>
          choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] }),
        )
      : splitWords(plan.text).map((word) => choice({ content: word }));
  const finish = { finish_reason: finishReasonOf(plan), ...flavour.finishChoiceExtras };
  const tail = [choice(flavour.finishDelta, finish)];
  if (includeUsage) tail.push(sse(chunk([], { usage: flavour.streamUsage(completion.usage) })));
  tail.push('data: [DONE]\n\n');
  const partial = sse(chunk([{ index: 0, delta: { content: 'x' } }])).slice(0, 40);
  return {
    contentType: 'text/event-stream; charset=utf-8',
    headers: {
      'cache-control': 'no-cache',
      ...flavour.commonHeaders(),
      ...flavour.successHeaders(),
    },
    head: [head],
    content,
    tail: () => tail,
    malformed: `${partial}\n\n`,
    inBandError: (message) => {
      const detail: ErrorDetail = { message, type: 'server_error', param: null, code: null };
      const frames = [sse(flavour.errorBody(500, detail))];
      if (flavour.doneAfterError) frames.push('data: [DONE]\n\n');
      return frames;
    },
  };
}
