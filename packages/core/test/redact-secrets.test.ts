import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../src/index.js';

describe('redactSecrets', () => {
  it('removes keys, bearer tokens and key-value secrets', () => {
    const text =
      'Incorrect API key provided: sk-proj-AbCdEf123456. Authorization: Bearer abcdefgh12345678 ' +
      '{"api_key": "k-123456789"} https://x/v1?api-key=zzzzzzzz&x=1 x-api-key: qwertyuiop';
    const redacted = redactSecrets(text);
    for (const secret of [
      'AbCdEf123456',
      'abcdefgh12345678',
      'k-123456789',
      'zzzzzzzz',
      'qwertyuiop',
    ]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain('sk-[redacted]');
    expect(redacted).toContain('Bearer [redacted]');
    expect(redacted).toContain('x=1');
  });

  it('removes exact secrets it is given, whatever their shape', () => {
    expect(redactSecrets('upstream echoed ollama-token-42 back', ['ollama-token-42'])).toBe(
      'upstream echoed [redacted] back',
    );
  });

  it('catches each pattern alone, in any letter case, and leaves a text without one as it was', () => {
    const cases: Array<[string, string]> = [
      ['BEARER abcdefgh12345678', 'abcdefgh12345678'],
      ['basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
      ['key sk-AbCdEf123456 leaked', 'AbCdEf123456'],
      ['AUTHORIZATION=tok12345', 'tok12345'],
      ['X-Api-Key: qwertyuiop', 'qwertyuiop'],
      ['?APIKEY=zzzzzzzz', 'zzzzzzzz'],
      ['"Access_Token":"t0k3n-value"', 't0k3n-value'],
      ['client Secret = hunter22', 'hunter22'],
    ];
    for (const [text, secret] of cases) expect(redactSecrets(text)).not.toContain(secret);
    const plain = '{"path":"/v1/chat/completions","model":"gpt-4o-mini","status":200}';
    expect(redactSecrets(plain)).toBe(plain);
  });
});
