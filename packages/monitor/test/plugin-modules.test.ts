import { createKernel, type PluginHost, pluginModulesOf } from '@loom/core';
import type { MonitorPlugin } from '@loom/monitor';
import * as monitor from '@loom/monitor';
import { createMockProvider } from '@loom/testkit';
import { describe, expect, it } from 'vitest';

const host: PluginHost = {
  logger: console,
  configDir: '/tmp',
  dataDir: '/tmp/.loom',
  coreVersion: '0.1.0',
};

const { modules } = pluginModulesOf(monitor);
const moduleOf = (kind: string, type: string) => {
  const found = modules.find((module) => module.kind === kind && module.type === type);
  if (!found) throw new Error(`no ${kind} ${type}`);
  return found;
};

describe("the monitor's plugin modules", () => {
  it('ships three sinks, three collectors and the monitor kernel plugin', () => {
    expect(modules.map((module) => `${module.kind}:${module.type}`)).toEqual([
      'alert-sink:log',
      'alert-sink:webhook',
      'alert-sink:memory',
      'metric-collector:system',
      'metric-collector:llm',
      'metric-collector:session',
      'kernel-plugin:monitor',
    ]);
  });

  it('refuses a webhook sink without an http(s) URL, naming the key', () => {
    const parsed = moduleOf('alert-sink', 'webhook').settings.safeParse({ url: 'ftp://x' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['url']);
  });

  it('makes a monitor plugin from settings that records the kernel it runs in', async () => {
    const module = moduleOf('kernel-plugin', 'monitor');
    const settings = module.settings.parse({ collectors: { system: false }, maxSeries: 500 });
    const plugin = (await module.create(settings, host)) as MonitorPlugin;
    const kernel = createKernel({ providers: [createMockProvider({ id: 'm' })] }).use(plugin);
    await kernel.start();
    await kernel.chat({ model: 'm/model', messages: [{ role: 'user', content: 'hi' }] });
    await kernel.stop();
    expect(plugin.store.stats().maxSeries).toBe(500);
    expect(await plugin.render()).toContain('loom_requests');
  });
});
