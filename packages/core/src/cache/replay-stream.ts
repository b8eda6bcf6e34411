import type { ChatResponse } from '../spec/chat/chat-response.js';
import type { ChatStreamPart } from '../spec/chat/chat-stream-part.js';
import type { ToolCall } from '../spec/chat/tool.js';
import type { Usage } from '../spec/shared/usage.js';

/** A cached answer played back as the parts a live stream would have produced. */
export function* replayAsStream(response: ChatResponse): Generator<ChatStreamPart> {
  yield { type: 'response-metadata', id: response.id, model: response.model };
  if (response.message.content) yield { type: 'text-delta', delta: response.message.content };
  for (const [index, call] of (response.message.toolCalls ?? []).entries()) {
    yield {
      type: 'tool-call-delta',
      index,
      id: call.id,
      name: call.name,
      argumentsDelta: call.arguments,
    };
  }
  yield { type: 'usage', usage: response.usage };
  yield { type: 'finish', finishReason: response.finishReason, usage: response.usage };
}

/** Rebuilds a finished stream's answer from its parts, to cache it like a non-streamed one. */
export class StreamAssembler {
  private id?: string;
  private model = '';
  private text = '';
  private readonly calls: Array<{ id: string; name: string; arguments: string }> = [];
  private usage?: Usage;
  private finish?: ChatResponse['finishReason'];

  add(part: ChatStreamPart): void {
    switch (part.type) {
      case 'response-metadata':
        this.id = part.id ?? this.id;
        this.model = part.model ?? this.model;
        break;
      case 'text-delta':
        this.text += part.delta;
        break;
      case 'tool-call-delta': {
        let call = this.calls[part.index];
        if (!call) {
          call = { id: '', name: '', arguments: '' };
          this.calls[part.index] = call;
        }
        if (part.id) call.id = part.id;
        if (part.name) call.name = part.name;
        if (part.argumentsDelta) call.arguments += part.argumentsDelta;
        break;
      }
      case 'usage':
        this.usage = part.usage;
        break;
      case 'finish':
        this.finish = part.finishReason;
        if (part.usage) this.usage = part.usage;
        break;
    }
  }

  /** The answer, or undefined when the stream did not finish properly. */
  result(): ChatResponse | undefined {
    if (!this.finish || !this.usage) return undefined;
    const toolCalls: ToolCall[] = this.calls.filter(Boolean);
    return {
      ...(this.id ? { id: this.id } : {}),
      model: this.model,
      message: {
        role: 'assistant',
        content: this.text || null,
        ...(toolCalls.length ? { toolCalls } : {}),
      },
      finishReason: this.finish,
      usage: this.usage,
    };
  }
}
