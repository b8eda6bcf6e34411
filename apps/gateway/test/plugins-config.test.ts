import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildKernel } from '../src/config/build-kernel.js';
import { loadConfig } from '../src/config/load-config.js';
import { PluginLoader } from '../src/plugins/plugin-loader.js';
import { resolveConfigPlugins } from '../src/plugins/resolve-config-plugins.js';
import { startLoom } from '../src/runtime/start-loom.js';
import { configSecrets } from '../src/server/server-options.js';
import { ACME_PROVIDER, ACME_SINK, pluginFolder } from './plugin-fixtures.js';

const local = { id: 'local', type: 'ollama', baseURL: 'http://127.0.0.1:11434' };

/** Writes `raw` as `loom.json` in `directory`, loads it and resolves its plugins. */
async function resolveIn(directory: string, raw: unknown, loader?: PluginLoader) {
  const file = join(directory, 'loom.json');
  await writeFile(file, JSON.stringify(raw));
  const config = await loadConfig(file, {});
  return resolveConfigPlugins(config, file, loader);
}

async function errorLines(run: Promise<unknown>): Promise<string[]> {
  const error = await run.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof Error)) throw new Error('expected the config to be refused');
  return error.message.split('\n');
}

describe('plugins named in the config', () => {
  it('loads a third-party provider package installed beside the config file', async () => {
    const folder = await pluginFolder();
    await folder.addPackage('@acme/loom-provider', ACME_PROVIDER);
    const raw = {
      providers: [
        local,
        { id: 'acme', type: '@acme/loom-provider', endpoint: 'https://acme.test/v1' },
      ],
    };
    const plugins = await resolveIn(folder.directory, raw);
    expect(
      plugins.providers.map((plugin) => [plugin.loaded.packageName, plugin.loaded.version]),
    ).toEqual([
      ['@loom/provider-ollama', '0.1.0'],
      ['@acme/loom-provider', '1.2.3'],
    ]);
    const kernel = await buildKernel(
      await loadConfig(join(folder.directory, 'loom.json'), {}),
      join(folder.directory, 'loom.json'),
      {
        health: { intervalMs: 0 },
      },
    );
    await kernel.start();
    const answer = await kernel.chat({
      model: 'acme/any',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.loom.deployment.providerId).toBe('acme');
    await kernel.stop();
  });

  it("refuses settings the plugin's schema refuses, at the entry's dotted path", async () => {
    const folder = await pluginFolder();
    await folder.addPackage('@acme/loom-provider', ACME_PROVIDER);
    const raw = {
      providers: [
        local,
        { id: 'acme', type: '@acme/loom-provider', endpoint: 'not a url', colour: 1 },
      ],
    };
    expect(await errorLines(resolveIn(folder.directory, raw))).toEqual([
      'loom.json: providers.1.endpoint: Invalid URL',
      'loom.json: providers.1: unknown key "colour"',
    ]);
  });

  it('names a package that is not installed and the command that installs it', async () => {
    const folder = await pluginFolder();
    const raw = { providers: [local, { id: 'acme', type: '@acme/loom-provider' }] };
    expect(await errorLines(resolveIn(folder.directory, raw))).toEqual([
      'loom.json: providers.1.type: "@acme/loom-provider" is neither a built-in provider type (openai|ollama|vllm) nor an installed plugin package; if it is a plugin package, install it: npm install @acme/loom-provider',
    ]);
  });

  it('suggests the built-in type a misspelt one was meant to be', async () => {
    const folder = await pluginFolder();
    const raw = { providers: [{ ...local, type: 'olama' }] };
    expect(await errorLines(resolveIn(folder.directory, raw))).toEqual([
      'loom.json: providers.0.type: "olama" is neither a built-in provider type (openai|ollama|vllm) nor an installed plugin package (did you mean "ollama"?); if it is a plugin package, install it: npm install olama',
    ]);
  });

  it('names the package a built-in type needs when it is not installed', async () => {
    const folder = await pluginFolder();
    const alone = new PluginLoader([folder.directory]);
    const raw = { providers: [local], monitor: { enabled: false } };
    expect(await errorLines(resolveIn(folder.directory, raw, alone))).toEqual([
      'loom.json: providers.0.type: type "ollama" comes from @loom/provider-ollama, which is not installed; run: npm install @loom/provider-ollama',
    ]);
  });

  it('refuses a package that exports no plugin module, or one of another kind or spec', async () => {
    const folder = await pluginFolder();
    await folder.addPackage('plain-package', 'export const answer = 42;\n');
    await folder.addPackage('loom-sink-pager', ACME_SINK);
    await folder.addPackage(
      'loom-provider-future',
      "export default { specificationVersion: 'v2', kind: 'provider', type: 'future' };\n",
    );
    const raw = {
      providers: [
        { id: 'a', type: 'plain-package' },
        { id: 'b', type: 'loom-sink-pager' },
        { id: 'c', type: 'loom-provider-future' },
      ],
      monitor: { enabled: false },
    };
    expect(await errorLines(resolveIn(folder.directory, raw))).toEqual([
      'loom.json: providers.0.type: package plain-package exports no Loom plugin module (a default export, `loomPlugin` or `loomPlugins` with specificationVersion, kind, type, settings and create)',
      'loom.json: providers.1.type: package loom-sink-pager is a alert-sink "pager" plugin; providers entries need a provider',
      'loom.json: providers.2.type: package loom-provider-future cannot be used: its plugin module speaks spec v2; this @loom/core loads v1',
    ]);
  });

  it('reports a built-in provider refusing its settings at providers.N', async () => {
    const folder = await pluginFolder();
    const raw = { providers: [{ id: 'bad', type: 'openai', baseURL: 'ftp://host' }] };
    expect(await errorLines(resolveIn(folder.directory, raw))).toEqual([
      'loom.json: providers.0.baseURL: must be an http:// or https:// URL',
    ]);
  });

  it('loads third-party alert sinks and redacts the settings they declare secret', async () => {
    const folder = await pluginFolder();
    await folder.addPackage('loom-sink-pager', ACME_SINK);
    const raw = {
      providers: [local],
      alerts: { sinks: [{ type: 'log' }, { type: 'loom-sink-pager', routingKey: 'R0UT1NG-KEY' }] },
    };
    const plugins = await resolveIn(folder.directory, raw);
    expect(plugins.alertSinks.map((plugin) => plugin.loaded.module.type)).toEqual(['log', 'pager']);
    expect(plugins.secrets).toEqual(['R0UT1NG-KEY']);
    expect(configSecrets(raw as never)).toContain('R0UT1NG-KEY');
  });
});

describe('plugins across reloads, and kernel options from the config', () => {
  it('loads a plugin entry added by a reload and keeps serving when a reload names a missing one', async () => {
    const folder = await pluginFolder();
    await folder.addPackage('@acme/loom-provider', ACME_PROVIDER);
    const file = join(folder.directory, 'loom.json');
    const first = { providers: [local], health: { intervalMs: 0 }, monitor: { enabled: false } };
    await writeFile(file, JSON.stringify(first));
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const loom = await startLoom(await loadConfig(file, {}), { file, port: 0, log: quiet });
    try {
      const acme = { id: 'acme', type: '@acme/loom-provider', endpoint: 'https://acme.test/v1' };
      await writeFile(file, JSON.stringify({ ...first, providers: [local, acme] }));
      expect(await loom.reloadFromFile()).toEqual({ ok: true });
      const answer = await loom.kernel.chat({
        model: 'acme/any',
        messages: [{ role: 'user', content: 'after reload' }],
      });
      expect(answer.message.content).toBe('acme: after reload');

      await writeFile(
        file,
        JSON.stringify({ ...first, providers: [local, { id: 'x', type: 'loom-provider-gone' }] }),
      );
      const refused = await loom.reloadFromFile();
      expect(refused.ok).toBe(false);
      expect(refused.ok === false && refused.error.message).toContain(
        'loom.json: providers.1.type: "loom-provider-gone" is neither a built-in provider type',
      );
      expect(loom.config.providers.map((provider) => provider.id)).toEqual(['local', 'acme']);
    } finally {
      await loom.close();
    }
  });

  it('answers with the configured degraded message when every deployment failed', async () => {
    const folder = await pluginFolder();
    const file = join(folder.directory, 'loom.json');
    const raw = {
      providers: [{ id: 'down', type: 'openai', baseURL: 'http://127.0.0.1:9/v1' }],
      routing: { retries: 0 },
      health: { intervalMs: 0 },
      degraded: { mode: 'message', message: 'Busy, try again shortly.' },
    };
    await writeFile(file, JSON.stringify(raw));
    const kernel = await buildKernel(await loadConfig(file, {}), file);
    await kernel.start();
    const answer = await kernel.chat({
      model: 'down/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(answer.message.content).toBe('Busy, try again shortly.');
    await kernel.stop();
  });
});
