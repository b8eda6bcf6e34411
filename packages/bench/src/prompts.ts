import { readFile } from 'node:fs/promises';
import type { ChatMessage } from '@loom/core';
import { z } from 'zod';
import type { BenchPrompt } from './targets/bench-target.js';

/** Sizes of the built-in prompts: input words and `max_tokens`. */
export const PROMPT_SIZES = {
  short: { words: 12, maxTokens: 16 },
  medium: { words: 200, maxTokens: 128 },
  long: { words: 1500, maxTokens: 512 },
} as const;

/** A built-in prompt size. */
export type PromptSize = keyof typeof PROMPT_SIZES;

const VOCABULARY =
  'the router picks a deployment for every request and the kernel measures latency tokens cost and errors while streams pass through as they arrive'.split(
    ' ',
  );

/**
 * A built-in prompt with a controlled input length (`words` words of filler) and output bound
 * (`max_tokens`), deterministic so two runs send the same bytes.
 */
export function builtInPrompt(size: PromptSize): BenchPrompt {
  const { words, maxTokens } = PROMPT_SIZES[size];
  const text = Array.from({ length: words }, (_, index) => VOCABULARY[index % VOCABULARY.length]);
  return {
    id: size,
    messages: [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: text.join(' ') },
    ],
    maxTokens,
  };
}

const messageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

const promptItemSchema = z.union([
  z.string().min(1),
  z.object({
    id: z.string().optional(),
    prompt: z.string().min(1).optional(),
    messages: z.array(messageSchema).min(1).optional(),
    max_tokens: z.number().int().positive().optional(),
    maxTokens: z.number().int().positive().optional(),
    input: z.string().optional(),
  }),
]);

/** Thrown when a prompts file cannot be read or has a bad entry; the message names both. */
export class PromptsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptsFileError';
  }
}

/**
 * Reads prompts from a file: a JSON array, or JSON Lines (one entry a line). An entry is a string
 * (one user message) or `{ prompt | messages, max_tokens?, id?, input? }`.
 */
export async function loadPrompts(file: string): Promise<BenchPrompt[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PromptsFileError(`cannot read prompts file ${file}: ${(error as Error).message}`);
  }
  const entries = parseEntries(text, file);
  if (entries.length === 0) throw new PromptsFileError(`prompts file ${file} has no prompts`);
  return entries.map(({ value, where }) => toPrompt(value, `${file}:${where}`));
}

function parseEntries(text: string, file: string): Array<{ value: unknown; where: string }> {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let array: unknown[];
    try {
      array = JSON.parse(trimmed) as unknown[];
    } catch (error) {
      throw new PromptsFileError(
        `prompts file ${file} is not valid JSON: ${(error as Error).message}`,
      );
    }
    return array.map((value, index) => ({ value, where: `[${index}]` }));
  }
  const entries: Array<{ value: unknown; where: string }> = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      entries.push({ value: JSON.parse(line), where: String(index + 1) });
    } catch (error) {
      throw new PromptsFileError(
        `prompts file ${file} line ${index + 1} is not JSON: ${(error as Error).message}`,
      );
    }
  });
  return entries;
}

function toPrompt(value: unknown, where: string): BenchPrompt {
  const parsed = promptItemSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PromptsFileError(`${where}: ${issue?.message ?? 'invalid prompt'}`);
  }
  const item = parsed.data;
  if (typeof item === 'string') {
    return { id: where, messages: [{ role: 'user', content: item }] };
  }
  const messages: ChatMessage[] | undefined =
    item.messages ?? (item.prompt ? [{ role: 'user', content: item.prompt }] : undefined);
  if (!messages) throw new PromptsFileError(`${where}: needs "prompt" or "messages"`);
  const prompt: BenchPrompt = { id: item.id ?? where, messages };
  const maxTokens = item.maxTokens ?? item.max_tokens;
  if (maxTokens !== undefined) prompt.maxTokens = maxTokens;
  if (item.input !== undefined) prompt.input = item.input;
  return prompt;
}
