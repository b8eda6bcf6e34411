import type { ContentPart } from './content-part.js';
import type { ToolCall } from './tool.js';

/** Instructions for the model. */
export interface SystemMessage {
  /** Discriminator. */
  role: 'system';
  /** The instructions. */
  content: string;
}

/** A message from the end user. */
export interface UserMessage {
  /** Discriminator. */
  role: 'user';
  /** Plain text, or parts mixing text and images. */
  content: string | ContentPart[];
  /** Optional participant name, passed to providers that support it. */
  name?: string;
}

/** A previous model turn. */
export interface AssistantMessage {
  /** Discriminator. */
  role: 'assistant';
  /** Text of the turn; `null` when the turn only called tools. */
  content: string | null;
  /** Tool calls made in the turn. */
  toolCalls?: ToolCall[];
}

/** The result of one tool call, sent back to the model. */
export interface ToolMessage {
  /** Discriminator. */
  role: 'tool';
  /** Id of the `ToolCall` this answers. */
  toolCallId: string;
  /** The tool's output, usually JSON text. */
  content: string;
}

/** One message of a conversation. */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
