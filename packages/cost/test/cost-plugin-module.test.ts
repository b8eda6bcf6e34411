import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, type LoomPluginV1, type PluginHost } from '@loom/core';
import { loomPlugin, openSqliteLedger } from '@loom/cost';
import { createMockProvider } from '@loom/testkit';
import { describe, expect, it } from 'vitest';

function host(configDir: string): PluginHost {
  return { logger: console, configDir, dataDir: join(configDir, '.loom'), coreVersion: '0.1.0' };
}

describe('the cost plugin module', () => {
  it('refuses a budget its schema refuses, naming the key', () => {
    const parsed = loomPlugin.settings.safeParse({ budgets: [{ name: 'x', limitUsd: -1 }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['budgets', 0, 'limitUsd']);
  });

  it('opens its SQLite ledger, relative to the config folder, only when the kernel starts', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'loom-cost-module-'));
    try {
      const settings = loomPlugin.settings.parse({
        ledger: './costs.db',
        budgets: [{ name: 'total', limitUsd: 10, action: 'block' }],
      });
      const plugin = (await loomPlugin.create(settings, host(folder))) as LoomPluginV1;
      // Made but not started (what `loom check` does): no file yet.
      await expect(stat(join(folder, 'costs.db'))).rejects.toThrow();
      const kernel = createKernel({ providers: [createMockProvider({ id: 'openai' })] }).use(
        plugin,
      );
      await kernel.start();
      await kernel.chat({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'a b' }],
      });
      await kernel.stop();
      const ledger = await openSqliteLedger({ path: join(folder, 'costs.db') });
      const [total] = await ledger.query();
      await ledger.close();
      expect(total?.records).toBe(1);
      expect(total?.costMicros).toBeGreaterThan(0);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
