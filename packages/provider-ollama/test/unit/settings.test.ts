import { ConfigError } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { createOllama } from '../../src/index.js';
import { normalizeOllamaHost } from '../../src/settings/normalize-host.js';
import { keepAliveToMs } from '../../src/settings/parse-duration.js';
import { resolveOllamaSettings } from '../../src/settings/resolve-settings.js';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('normalizeOllamaHost', () => {
  it.each([
    ['127.0.0.1', 'http://127.0.0.1:11434'],
    ['gpu-box', 'http://gpu-box:11434'],
    ['gpu-box:8080', 'http://gpu-box:8080'],
    [':9999', 'http://127.0.0.1:9999'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['http://example.com', 'http://example.com'],
    ['https://example.com/ollama/', 'https://example.com/ollama'],
    ['  http://10.0.0.2:11434  ', 'http://10.0.0.2:11434'],
  ])('reads %s as %s', (input, expected) => {
    expect(normalizeOllamaHost(input)).toBe(expected);
  });

  it('gives undefined for an empty value or one that is no URL', () => {
    expect(normalizeOllamaHost('')).toBeUndefined();
    expect(normalizeOllamaHost('http://')).toBeUndefined();
  });
});

describe('keepAliveToMs', () => {
  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['300ms', 300],
    ['1.5h', 5_400_000],
    ['30', 30_000],
    [0, 0],
    [90, 90_000],
    ['-1', Number.POSITIVE_INFINITY],
    [-1, Number.POSITIVE_INFINITY],
    ['-5m', Number.POSITIVE_INFINITY],
  ])('reads %s as %s ms', (input, expected) => {
    expect(keepAliveToMs(input)).toBe(expected);
  });

  it('gives undefined for text that is no duration', () => {
    expect(keepAliveToMs('five minutes')).toBeUndefined();
  });
});

describe('resolveOllamaSettings', () => {
  it('fills in defaults and freezes the result', () => {
    const settings = resolveOllamaSettings({}, {});
    expect(settings).toMatchObject({
      id: 'ollama',
      baseURL: 'http://127.0.0.1:11434',
      headers: {},
      models: {},
      connections: 32,
      keepAliveTimeoutMs: 4_000,
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 60_000,
      coldStartTimeoutMs: 300_000,
      bodyTimeoutMs: 30_000,
    });
    expect(settings.keepAlive).toBeUndefined();
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.headers)).toBe(true);
  });

  it('reads OLLAMA_HOST the way Ollama does when baseURL is not given', () => {
    expect(resolveOllamaSettings({}, { OLLAMA_HOST: 'gpu-box' }).baseURL).toBe(
      'http://gpu-box:11434',
    );
    expect(resolveOllamaSettings({}, { OLLAMA_HOST: '  ' }).baseURL).toBe('http://127.0.0.1:11434');
  });

  it('prefers baseURL over OLLAMA_HOST', () => {
    const settings = resolveOllamaSettings(
      { baseURL: 'http://a:1' },
      { OLLAMA_HOST: 'http://b:2' },
    );
    expect(settings.baseURL).toBe('http://a:1');
  });

  it('turns credentials in the URL into a Basic authorization and drops them from baseURL', () => {
    const settings = resolveOllamaSettings({ baseURL: 'https://user:p%40ss@proxy.example/ollama' });
    expect(settings.baseURL).toBe('https://proxy.example/ollama');
    expect(settings.urlAuthorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('names baseURL and OLLAMA_HOST when the URL is bad, without echoing credentials', () => {
    const error = configError(() => resolveOllamaSettings({}, { OLLAMA_HOST: 'ftp://u:secret@x' }));
    expect(error.message).toContain('baseURL (or OLLAMA_HOST)');
    expect(error.message).not.toContain('secret');
    expect(error.path).toBe('baseURL');
  });

  it.each([
    [{ headersTimeoutMs: 0 }, 'headersTimeoutMs'],
    [{ coldStartTimeoutMs: -5 }, 'coldStartTimeoutMs'],
    [{ bodyTimeoutMs: 1.5 }, 'bodyTimeoutMs'],
    [{ connections: 0 }, 'connections'],
    [{ keepAlive: 'forever' }, 'keepAlive'],
    [{ id: '  ' }, 'id'],
    [{ dispatcher: {} }, 'dispatcher'],
    [{ models: { llama: { contextWindow: -1 } } }, 'models.llama.contextWindow'],
    [{ unknownOption: true }, '(settings)'],
  ])('refuses %j, naming %s', (settings, path) => {
    const error = configError(() => resolveOllamaSettings(settings as never, {}));
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('accepts keepAlive as a duration or as seconds', () => {
    expect(resolveOllamaSettings({ keepAlive: '10m' }).keepAlive).toBe('10m');
    expect(resolveOllamaSettings({ keepAlive: -1 }).keepAlive).toBe(-1);
  });
});

describe('createOllama', () => {
  it('has the provider identity and the server from baseURL', () => {
    const provider = createOllama({ baseURL: 'http://gpu-box:8080', id: 'gpu' });
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.id).toBe('gpu');
    expect(provider.type).toBe('ollama');
    expect(provider.server).toEqual({ address: 'gpu-box', port: 8080 });
    expect(provider.settings.baseURL).toBe('http://gpu-box:8080');
    expect(Object.isFrozen(provider)).toBe(true);
  });

  it('does not expose configured headers, which may hold credentials', () => {
    const provider = createOllama({ headers: { authorization: 'Bearer abcdefgh12345' } });
    expect(JSON.stringify(provider.settings)).not.toContain('abcdefgh12345');
  });

  it('uses the protocol default port when the URL has none', () => {
    expect(createOllama({ baseURL: 'https://ollama.example' }).server).toEqual({
      address: 'ollama.example',
      port: 443,
    });
  });
});
