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
      'loom.json: providers.0.type: "olama" is neither a built-in provider type (openai|ollama|vllm) nor an installed plugin package (did you mean "ollama"?)',
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
      'loom.json: providers.1.type: package loom-sink-pager provides alert-sink "pager", not a provider, which providers entries need',
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
      alerts: { sinks: [{ type: 'log' }, { type: 'loom-sink-pager', integration: 'P4GER-1NT' }] },
    };
    const plugins = await resolveIn(folder.directory, raw);
    expect(plugins.alertSinks.map((plugin) => plugin.loaded.module.type)).toEqual(['log', 'pager']);
    // Only the module's declaration makes `integration` a secret; its name would not.
    expect(plugins.secrets).toEqual(['P4GER-1NT']);
    expect(configSecrets(raw as never)).not.toContain('P4GER-1NT');
    const lines: string[] = [];
    const log = { info: (line: string) => lines.push(line), warn: () => {}, error: () => {} };
    const file = join(folder.directory, 'loom.json');
    const kernel = await buildKernel(await loadConfig(file, {}), file, {}, { plugins, log });
    await kernel.stop();
    expect(lines).toEqual(['pager integration [redacted] ready']);
  });

  it('picks one of several modules of a kind with package#type', async () => {
    const folder = await pluginFolder();
    const two = ACME_PROVIDER.replace('export default {', 'const one = {').concat(
      "export const loomPlugins = [one, { ...one, type: 'acme-eu' }];\n",
    );
    await folder.addPackage('@acme/loom-tools', two);
    const entry = { id: 'acme', endpoint: 'https://acme.test/v1' };
    expect(
      await errorLines(
        resolveIn(folder.directory, { providers: [{ ...entry, type: '@acme/loom-tools' }] }),
      ),
    ).toEqual([
      'loom.json: providers.0.type: package @acme/loom-tools has several provider modules ("acme", "acme-eu"); pick one with "@acme/loom-tools#<type>"',
    ]);
    const picked = await resolveIn(folder.directory, {
      providers: [{ ...entry, type: '@acme/loom-tools#acme-eu' }],
    });
    expect(picked.providers[0]?.loaded.module.type).toBe('acme-eu');
  });

  it("refuses a provider that ignores its id, two sinks of one name and the gateway's own plugins", async () => {
    const folder = await pluginFolder();
    const loose = ACME_PROVIDER.replace('z.strictObject({ id: z.string(),', 'z.object({').replace(
      'id: settings.id,',
      "id: 'loose',",
    );
    await folder.addPackage('loom-provider-loose', loose);
    const file = join(folder.directory, 'loom.json');
    const build = async (raw: unknown) => {
      await writeFile(file, JSON.stringify(raw));
      return buildKernel(await loadConfig(file, {}), file);
    };
    expect(
      await errorLines(
        build({
          providers: [{ id: 'prod', type: 'loom-provider-loose', endpoint: 'https://x.test' }],
        }),
      ),
    ).toEqual([
      'loom.json: providers.0.id: the plugin made a provider with id "loose", not "prod": its module must pass the `id` setting on',
    ]);
    expect(
      await errorLines(
        build({
          providers: [local],
          alerts: {
            sinks: [
              { type: 'webhook', url: 'https://a.test' },
              { type: 'webhook', url: 'https://b.test' },
            ],
          },
        }),
      ),
    ).toEqual([
      'loom.json: alerts.sinks.1: another entry (alerts.sinks.0) already makes a alert-sink named "webhook"; give one of them its own `name`',
    ]);
    expect(
      await errorLines(build({ providers: [local], plugins: [{ type: '@loom/cost' }] })),
    ).toEqual([
      'loom.json: plugins.0.type: kernel-plugin "cost" of @loom/cost is not for plugins: the gateway runs it from `budgets`, `pricing` and `storage`',
    ]);
  });

  it('refuses a package built for another @loom/core, and loads one that only offers require', async () => {
    const folder = await pluginFolder();
    await folder.addPackage('loom-provider-next', ACME_PROVIDER, {
      peerDependencies: { '@loom/core': '^9.0.0' },
    });
    await folder.addPackage('loom-provider-cjs', '', {
      type: 'commonjs',
      exports: { require: './index.cjs' },
    });
    await writeFile(
      join(folder.directory, 'node_modules/loom-provider-cjs/index.cjs'),
      "const { z } = require('zod');\nmodule.exports = { loomPlugin: { specificationVersion: 'v1', kind: 'provider', type: 'cjs', settings: z.object({ id: z.string() }), create: () => ({}) } };\n",
    );
    const raw = {
      providers: [
        { id: 'next', type: 'loom-provider-next', endpoint: 'https://x.test' },
        { id: 'cjs', type: 'loom-provider-cjs' },
      ],
      monitor: { enabled: false },
    };
    const failure = await errorLines(resolveIn(folder.directory, raw));
    expect(failure).toEqual([
      'loom.json: providers.0.type: package loom-provider-next cannot be used: it needs @loom/core ^9.0.0; this gateway runs 0.1.0',
    ]);
    const plugins = await resolveIn(folder.directory, { ...raw, providers: [raw.providers[1]] });
    expect(plugins.providers[0]?.loaded.module.type).toBe('cjs');
  });

  it('refuses a link-local address in any URL setting, not only baseURL', async () => {
    const folder = await pluginFolder();
    const raw = {
      providers: [
        { id: 'acme', type: '@acme/loom-provider', endpoint: 'http://169.254.169.254/v1' },
      ],
    };
    expect(await errorLines(resolveIn(folder.directory, raw))).toEqual([
      'loom.json: providers.0.endpoint: points at a link-local address (cloud metadata lives there); set allowLinkLocal: true on this provider if that is really meant',
    ]);
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
