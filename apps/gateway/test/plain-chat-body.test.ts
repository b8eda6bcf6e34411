import { describe, expect, it } from 'vitest';
import { openAIChatRequestSchema } from '../src/wire/openai-chat-schema.js';
import { isPlainChatBody } from '../src/wire/plain-chat-body.js';

const base = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hello', name: 'ann' },
  ],
};

// Values each field may take, valid and not: the fast check must never accept one the schema
// refuses, nor accept a body the schema would change.
const FIELD_VALUES: Record<string, unknown[]> = {
  model: ['x', '', 3, null],
  stream: [true, false, null, 'yes', 1],
  stream_options: [{ include_usage: true }, {}, null, { include_usage: 'yes' }, { other: 1 }, []],
  temperature: [0, 2, 1.5, -0.1, 2.1, null, '1', Number.NaN],
  top_p: [0, 1, 0.5, 1.1, -1, null],
  max_tokens: [1, 100, 0, -1, 1.5, null, '5', 2 ** 60],
  max_completion_tokens: [1, 0, null, 3.2],
  seed: [0, -5, 7, 1.5, null, '1'],
  n: [1, 2, null, '1'],
  user: ['u', null, 5],
  stop: ['x', ['a', 'b'], ['a', 'b', 'c', 'd', 'e'], [1], null, 3],
  metadata: [{ team: 'a' }],
  tools: [[{ type: 'function', function: { name: 'f' } }]],
  parallel_tool_calls: [true],
  unknown_field: [1],
};

const MESSAGE_VARIANTS: unknown[] = [
  { role: 'user', content: 'hi' },
  { role: 'developer', content: 'rules' },
  { role: 'assistant', content: 'earlier answer' },
  { role: 'assistant', content: null },
  { role: 'tool', content: 'result', tool_call_id: 'c1' },
  { role: 'user', content: [{ type: 'text', text: 'parts' }] },
  { role: 'user', content: 'x', name: null },
  { role: 'user', content: 5 },
  { role: 'robot', content: 'x' },
  { role: 'user', content: 'x', extra: true },
  { content: 'no role' },
  'just text',
  null,
];

function variants(): unknown[] {
  const out: unknown[] = [base, {}, [], null, 'text', { ...base, messages: [] }];
  for (const [field, values] of Object.entries(FIELD_VALUES)) {
    for (const value of values) out.push({ ...base, [field]: value });
  }
  for (const message of MESSAGE_VARIANTS) {
    out.push({ ...base, messages: [message] });
    out.push({ ...base, messages: [...base.messages, message] });
  }
  out.push(JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{}}'));
  out.push({ ...base, messages: [Object.create({ role: 'user', content: 'inherited' })] });
  return out;
}

describe('the plain chat body check', () => {
  it('accepts only bodies the schema accepts and returns unchanged', () => {
    let accepted = 0;
    for (const body of variants()) {
      if (!isPlainChatBody(body)) continue;
      accepted += 1;
      const parsed = openAIChatRequestSchema.safeParse(body);
      expect(parsed.success, JSON.stringify(body)).toBe(true);
      expect(parsed.data).toStrictEqual(body);
    }
    // Not vacuous: most valid text-only bodies take the fast path.
    expect(accepted).toBeGreaterThan(30);
  });

  it('takes the common request shapes', () => {
    const bodies = [
      base,
      { ...base, stream: true, stream_options: { include_usage: true } },
      { ...base, temperature: 0.2, top_p: 0.9, max_tokens: 64, seed: 1, stop: ['\n'], user: 'u' },
      { ...base, max_completion_tokens: 10, n: 1, stream: null },
    ];
    for (const body of bodies) expect(isPlainChatBody(body), JSON.stringify(body)).toBe(true);
  });
});
