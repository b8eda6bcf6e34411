import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePluginModule, pluginModulesOf } from '../src/index.js';
import { fakeProvider } from './fixtures/fake-provider.js';

const provider = definePluginModule({
  kind: 'provider',
  type: 'fake',
  settings: z.strictObject({ id: z.string() }),
  create: (settings) => fakeProvider(settings.id),
});

describe('plugin modules', () => {
  it('fills in the spec version and types create by the settings schema', async () => {
    expect(provider.specificationVersion).toBe('v1');
    const made = await provider.create(provider.settings.parse({ id: 'p1' }), {
      logger: console,
      configDir: '/tmp',
      dataDir: '/tmp/.loom',
      coreVersion: '0.1.0',
    });
    expect(made.id).toBe('p1');
  });

  it('reads a default export, `loomPlugin`, `loomPlugins` and CommonJS interop alike', () => {
    const sink = { ...provider, kind: 'alert-sink', type: 'sink' };
    expect(pluginModulesOf({ default: provider }).modules).toEqual([provider]);
    expect(pluginModulesOf({ loomPlugin: provider }).modules).toEqual([provider]);
    expect(pluginModulesOf({ loomPlugins: [provider, sink] }).modules).toEqual([provider, sink]);
    expect(pluginModulesOf({ default: { default: provider } }).modules).toEqual([provider]);
    expect(pluginModulesOf({ default: { loomPlugin: provider } }).modules).toEqual([provider]);
    // The same object exported twice is one module.
    expect(pluginModulesOf({ default: provider, loomPlugin: provider }).modules).toHaveLength(1);
  });

  it('says why an exported descriptor cannot be used', () => {
    const broken = [
      { ...provider, specificationVersion: 'v2' },
      { ...provider, kind: 'router' },
      { ...provider, type: '' },
      { ...provider, settings: { parse() {} } },
      { ...provider, create: undefined },
    ];
    expect(pluginModulesOf({ loomPlugins: broken })).toEqual({
      modules: [],
      problems: [
        'its plugin module speaks spec v2; this @loom/core loads v1',
        'its plugin module has kind "router"; expected one of provider|metric-collector|alert-sink|kernel-plugin',
        'its plugin module has no `type` name',
        'its plugin module "fake" has no zod `settings` schema',
        'its plugin module "fake" has no `create` function',
      ],
    });
  });

  it('finds nothing in a package that exports no descriptor', () => {
    expect(pluginModulesOf({ answer: 42, default: { hello: 'world' } })).toEqual({
      modules: [],
      problems: [],
    });
    expect(pluginModulesOf(undefined)).toEqual({ modules: [], problems: [] });
  });
});
