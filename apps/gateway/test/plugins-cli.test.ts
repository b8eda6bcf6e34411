import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand } from '../src/cli/check-command.js';
import { pluginsCommand } from '../src/cli/plugins-command.js';
import { configJsonSchema } from '../src/config/json-schema.js';
import { discoverPlugins } from '../src/plugins/discover-plugins.js';
import { pluginFolders } from '../src/plugins/resolve-config-plugins.js';
import { ACME_PROVIDER, ACME_SINK, pluginFolder } from './plugin-fixtures.js';

async function folderWithPlugins() {
  const folder = await pluginFolder();
  await folder.addPackage('@acme/loom-provider', ACME_PROVIDER);
  await folder.addPackage('loom-sink-pager', ACME_SINK);
  await folder.addPackage(
    'loom-provider-future',
    "export default { specificationVersion: 'v2' };\n",
  );
  return folder;
}

describe('loom plugins, schema and check', () => {
  it('lists built-in and installed plugins with kind, type, spec and what is wrong', async () => {
    const folder = await folderWithPlugins();
    const config = join(folder.directory, 'loom.yaml');
    const { plugins } = JSON.parse(await pluginsCommand({ config, json: true }));
    const summary = plugins.map((plugin: Record<string, string>) =>
      [plugin.package, plugin.kind, plugin.type, plugin.status].join(' '),
    );
    expect(summary).toEqual(
      expect.arrayContaining([
        '@loom/provider-openai provider openai ok',
        '@loom/provider-ollama provider ollama ok',
        '@loom/monitor alert-sink webhook ok',
        '@loom/monitor metric-collector system ok',
        '@acme/loom-provider provider @acme/loom-provider ok',
        'loom-sink-pager alert-sink loom-sink-pager ok',
        'loom-provider-future   its plugin module speaks spec v2; this @loom/core loads v1',
      ]),
    );
    const table = await pluginsCommand({ config, json: false });
    expect(table.split('\n')[0]).toMatch(/^PACKAGE\s+VERSION\s+KIND\s+TYPE\s+SPEC\s+STATUS$/);
    expect(table).toMatch(
      /@acme\/loom-provider\s+1\.2\.3\s+provider\s+@acme\/loom-provider\s+v1\s+ok/,
    );
  });

  it("puts the installed plugins' settings in the JSON Schema", async () => {
    const folder = await folderWithPlugins();
    const plugins = await discoverPlugins(pluginFolders(join(folder.directory, 'loom.yaml')));
    const schema = configJsonSchema(plugins) as {
      properties: {
        providers: { items: { allOf: { if: unknown; then: { properties: object } }[] } };
      };
    };
    const checks = schema.properties.providers.items.allOf;
    const acme = checks.find(
      (check) =>
        JSON.stringify(check.if) ===
        JSON.stringify({
          properties: { type: { const: '@acme/loom-provider' } },
          required: ['type'],
        }),
    );
    expect(Object.keys(acme?.then.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'endpoint', 'apiKey', 'costPerHourUsd']),
    );
    expect(JSON.stringify(checks)).toContain('"const":"ollama"');
  });

  it("validates a third-party plugin's settings in loom check", async () => {
    const folder = await folderWithPlugins();
    const file = join(folder.directory, 'loom.yaml');
    await writeFile(
      file,
      [
        'providers:',
        '  - { id: acme, type: "@acme/loom-provider", endpoint: "https://acme.test/v1" }',
        'alerts: { sinks: [{ type: loom-sink-pager }] }',
      ].join('\n'),
    );
    await expect(checkCommand(file)).rejects.toThrow(
      'loom.yaml: alerts.sinks.0.integration: required: expected string',
    );
    await writeFile(
      file,
      'providers:\n  - { id: acme, type: "@acme/loom-provider", endpoint: "https://acme.test/v1" }\n',
    );
    expect(await checkCommand(file)).toContain('providers: acme (@acme/loom-provider)');
  });
});
