import { splitWords } from '../../internal/words.js';
import { planAnswer } from '../answer/plan-answer.js';
import type { StreamFrames } from '../server/stream-writer.js';
import type { FakeReply, FakeWire } from './fake-wire.js';

/**
 * The reply to a chat, planned as the other simulators plan theirs, so its usage is the
 * `countSimulatedTokens` of the prompt and of the answer.
 */
export function planFakeReply(
  model: string,
  prompt: string,
  body: unknown,
  reply?: (body: unknown) => string,
): FakeReply {
  // No message at all, rather than an empty one, so an empty prompt gets the usual greeting.
  const messages = prompt === '' ? [] : [{ role: 'user', text: prompt }];
  const plan = planAnswer({ messages, tools: [] }, body, reply);
  const text = plan.kind === 'text' ? plan.text : plan.arguments;
  return {
    model,
    text,
    finishReason: 'stop',
    usage: { inputTokens: plan.promptTokens, outputTokens: plan.completionTokens },
  };
}

/** The content pieces of a reply: one per word, whitespace kept, as the other simulators send. */
export const replyPieces = (reply: FakeReply): string[] => splitWords(reply.text);

/**
 * A frame that is not valid JSON in the wire's framing: an SSE event when the wire speaks SSE,
 * else a line (NDJSON and its kin).
 */
export function malformedFrame(contentType: string): string {
  return /event-stream/i.test(contentType) ? 'data: {"x":\n\n' : '{"delta":\n';
}

/** A streamed reply in the wire's framing, for the shared stream writer. */
export function fakeStreamFrames(stream: FakeWire['stream'], reply: FakeReply): StreamFrames {
  return {
    contentType: stream.contentType,
    head: [],
    content: replyPieces(reply).map((piece) => stream.chunk(piece, reply)),
    tail: () => [stream.end(reply)],
    malformed: malformedFrame(stream.contentType),
    inBandError: (message) => [stream.error(message)],
  };
}
