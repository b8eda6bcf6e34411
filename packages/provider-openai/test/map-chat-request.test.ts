import type { ChatRequest } from '@loom/core';
import { describe, expect, it } from 'vitest';
import {
  type ChatRequestMapping,
  mapChatRequest,
  SHARED_PROVIDER_OPTION_KEYS,
} from '../src/compatible/index.js';

const mapping: ChatRequestMapping = {
  providerId: 'openai',
  providerType: 'openai',
  maxTokensField: 'max_tokens',
  allowedOptions: new Set(SHARED_PROVIDER_OPTION_KEYS),
};
const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('mapChatRequest', () => {
  it.each(['auto', 'none', 'required'] as const)('passes tool_choice %s through', (choice) => {
    expect(mapChatRequest({ ...base, toolChoice: choice }, mapping, false).tool_choice).toBe(
      choice,
    );
  });

  it('maps text and json_object response formats', () => {
    expect(
      mapChatRequest({ ...base, responseFormat: { type: 'text' } }, mapping, false).response_format,
    ).toEqual({ type: 'text' });
    expect(
      mapChatRequest({ ...base, responseFormat: { type: 'json_object' } }, mapping, false)
        .response_format,
    ).toEqual({ type: 'json_object' });
  });

  it('leaves out empty stop lists and empty tool lists', () => {
    const body = mapChatRequest({ ...base, stop: [], tools: [] }, mapping, false);
    expect(body).toStrictEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('writes maxTokens to the configured field', () => {
    const modern = { ...mapping, maxTokensField: 'max_completion_tokens' as const };
    expect(mapChatRequest({ ...base, maxTokens: 5 }, modern, false)).toMatchObject({
      max_completion_tokens: 5,
    });
  });

  it('reads only its own providerOptions key and drops unknown options', () => {
    const body = mapChatRequest(
      {
        ...base,
        providerOptions: {
          openai: { presence_penalty: 1, model: 'other', stream: true, made_up: 1 },
          vllm: { top_k: 3 },
        },
      },
      mapping,
      false,
    );
    expect(body).toStrictEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      presence_penalty: 1,
    });
  });

  it('asks streams for a usage chunk', () => {
    expect(mapChatRequest(base, mapping, true)).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});
