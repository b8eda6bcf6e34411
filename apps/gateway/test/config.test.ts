import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError } from '../src/config/config-error.js';
import { configJsonSchema } from '../src/config/json-schema.js';
import { loadConfig, validateConfig } from '../src/config/load-config.js';

const minimal = { providers: [{ id: 'local', type: 'ollama', baseURL: 'http://127.0.0.1:11434' }] };

/** A `${NAME}` reference, built so it is plainly not a mistaken template literal. */
const env = (name: string) => `\${${name}}`;

function errorOf(run: () => unknown): ConfigFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('expected a ConfigFileError');
}

describe('config', () => {
  it('names the file, the dotted path and what was expected', () => {
    const raw = { providers: [minimal.providers[0], { id: 'x/y', type: 7 }] };
    expect(errorOf(() => validateConfig(raw, 'loom.yaml', {})).message.split('\n')).toEqual([
      'loom.yaml: providers.1.id: letters, digits, `_`, `.` or `-` (no `/`)',
      'loom.yaml: providers.1.type: expected string, got 7',
    ]);
  });

  it('reports unknown keys and wrong types', () => {
    const raw = {
      ...minimal,
      server: { port: 'eighty', colour: 'blue' },
    };
    const lines = errorOf(() => validateConfig(raw, 'loom.json', {})).message.split('\n');
    expect(lines).toContain('loom.json: server.port: expected number, got "eighty"');
    expect(lines).toContain('loom.json: server: unknown key "colour"');
  });

  it('refuses a base URL on a link-local address unless the provider allows it', () => {
    for (const baseURL of ['http://169.254.169.254/latest', 'http://[fe80::1]:8000']) {
      const raw = { providers: [{ id: 'meta', type: 'openai', baseURL }] };
      expect(errorOf(() => validateConfig(raw, 'loom.yaml', {})).message).toContain(
        'loom.yaml: providers.0.baseURL: points at a link-local address',
      );
    }
    const allowed = {
      providers: [
        { id: 'box', type: 'vllm', baseURL: 'http://169.254.10.2:8000', allowLinkLocal: true },
      ],
    };
    expect(validateConfig(allowed, 'loom.yaml', {}).providers[0]?.baseURL).toBe(
      'http://169.254.10.2:8000',
    );
    expect(validateConfig(minimal, 'loom.yaml', {}).providers).toHaveLength(1);
  });

  it('refuses a bad storage.retention by its path', () => {
    const message = (retention: unknown) =>
      errorOf(() => validateConfig({ ...minimal, storage: { retention } }, 'loom.yaml', {}))
        .message;
    expect(message({ rawDays: 1.5 })).toMatch(/^loom\.yaml: storage\.retention\.rawDays: /);
    expect(message({ rawDays: -1 })).toBe(
      'loom.yaml: storage.retention.rawDays: a whole number of days, 0 to keep forever',
    );
    expect(message({ rawDays: 90, rollupDays: 30 })).toMatch(
      /^loom\.yaml: storage\.retention\.rollupDays: must be 0 \(forever\) or at least rawDays \(90\)/,
    );
    expect(message({ rawDays: 0, rollupDays: 30 })).toMatch(/storage\.retention\.rollupDays: /);
    expect(message({ days: 3 })).toBe('loom.yaml: storage.retention: unknown key "days"');
    const ok = { ...minimal, storage: { retention: { rawDays: 7, rollupDays: 0 } } };
    expect(validateConfig(ok, 'loom.yaml', {}).storage?.retention).toEqual({
      rawDays: 7,
      rollupDays: 0,
    });
  });

  it('reports targets naming an unknown provider', () => {
    const raw = { ...minimal, models: [{ name: 'chat', targets: ['nowhere/model'] }] };
    expect(errorOf(() => validateConfig(raw, 'loom.json', {})).message).toBe(
      'loom.json: models.0.targets.0: unknown provider "nowhere"; expected one of local',
    );
  });

  it('resolves environment references and names a missing one with its path, not its value', () => {
    const raw = {
      server: { apiKeys: [env('LOOM_KEY')] },
      providers: [
        {
          id: 'openai',
          type: 'openai',
          apiKey: env('OPENAI_KEY'),
          baseURL: env('BASE:-http://127.0.0.1:9/v1'),
        },
      ],
    };
    const config = validateConfig(raw, 'loom.yaml', {
      LOOM_KEY: 'gateway-key-123',
      OPENAI_KEY: 'sk-secret-value-1',
    });
    expect(config.server?.apiKeys).toEqual(['gateway-key-123']);
    expect(config.providers[0]?.apiKey).toBe('sk-secret-value-1');
    expect(config.providers[0]?.baseURL).toBe('http://127.0.0.1:9/v1');
    const error = errorOf(() => validateConfig(raw, 'loom.yaml', { LOOM_KEY: 'gateway-key-123' }));
    expect(error.message).toBe(
      'loom.yaml: providers.0.apiKey: environment variable OPENAI_KEY is not set',
    );
  });

  it('reads a whole environment reference as a number or boolean where the schema wants one', () => {
    const raw = {
      server: { port: env('PORT'), apiKeys: [env('DIGITS_KEY')], exposeAdmin: env('EXPOSE') },
      providers: [{ id: 'local', type: 'ollama', baseURL: env('URL:-http://127.0.0.1:11434') }],
      routing: { retries: env('RETRIES:-3') },
    };
    const config = validateConfig(raw, 'loom.yaml', {
      PORT: '8080',
      DIGITS_KEY: '1234567890',
      EXPOSE: 'true',
    });
    expect(config.server?.port).toBe(8080);
    expect(config.server?.exposeAdmin).toBe(true);
    expect(config.routing?.retries).toBe(3);
    // A digits-only secret stays text where text is expected.
    expect(config.server?.apiKeys).toEqual(['1234567890']);
    expect(
      errorOf(() =>
        validateConfig(raw, 'loom.yaml', {
          PORT: 'eighty',
          DIGITS_KEY: 'x'.repeat(9),
          EXPOSE: 'no',
        }),
      ).message,
    ).toContain('loom.yaml: server.port: expected number, got "eighty"');
  });

  it('loads YAML from a file and reports a missing file by name', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-config-'));
    const file = join(directory, 'loom.yaml');
    await writeFile(
      file,
      'providers:\n  - { id: gpu, type: vllm, baseURL: http://127.0.0.1:8000 }\nrouting: { strategy: balanced, retries: 2 }\n',
    );
    const config = await loadConfig(file, {});
    expect(config.routing?.strategy).toBe('balanced');
    await expect(loadConfig(join(directory, 'absent.yaml'), {})).rejects.toThrow(
      'absent.yaml: file not found',
    );
  });

  it('exports a JSON Schema for editors', () => {
    const schema = configJsonSchema();
    expect(schema).toMatchObject({ type: 'object', required: ['providers'] });
    expect(JSON.stringify(schema)).toContain('"defaultProvider"');
  });
});
