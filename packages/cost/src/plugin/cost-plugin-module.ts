import { isAbsolute, resolve } from 'node:path';
import { definePlugin, definePluginModule, type LoomPluginV1 } from '@loom/core';
import { z } from 'zod';
import type { BudgetConfig } from '../budgets/budget-config.js';
import { openSqliteLedger } from '../ledger/sqlite-ledger.js';
import { costPlugin } from './cost-plugin.js';
import { budgetConfigSchema, pricingConfigSchema } from './cost-settings-schema.js';

/**
 * The cost plugin as a plugin module, for hosts without a cost setup of their own: budgets,
 * pricing and a ledger that is `memory` (default) or a SQLite file relative to the config file.
 * With a file, the product is a plain kernel plugin (reports are read from the file).
 */
export const loomPlugin = definePluginModule({
  kind: 'kernel-plugin',
  type: 'cost',
  description: 'Prices every attempt, keeps budgets and writes the cost ledger',
  settings: z.strictObject({
    budgets: z.array(budgetConfigSchema).optional(),
    pricing: pricingConfigSchema.optional(),
    /** `memory` or a SQLite file (`./costs.db`, relative to the config file's folder). */
    ledger: z.string().min(1).optional(),
  }),
  create({ budgets = [], pricing = {}, ledger = 'memory' }, host) {
    const { defaultMaxTokens, unpricedModels, ...prices } = pricing;
    const options = {
      // The schema checked `scope` against the same pattern as BudgetScope.
      budgets: budgets as readonly BudgetConfig[],
      pricing: prices,
      ...(defaultMaxTokens ? { defaultMaxTokens } : {}),
      ...(unpricedModels ? { unpricedModels } : {}),
    };
    // Budgets and prices are checked now, so a mistake is a config error.
    const inMemory = costPlugin(options);
    if (ledger === 'memory') return inMemory;
    // The file opens when the kernel starts, not when a host only checks the settings.
    const path = isAbsolute(ledger) ? ledger : resolve(host.configDir, ledger);
    let plugin: LoomPluginV1 | undefined;
    return definePlugin({
      name: inMemory.name,
      ...(inMemory.version ? { version: inMemory.version } : {}),
      ...(inMemory.coreVersion ? { coreVersion: inMemory.coreVersion } : {}),
      async setup(api) {
        plugin = costPlugin({ ...options, ledger: await openSqliteLedger({ path }) });
        await plugin.setup(api);
      },
      async teardown() {
        await plugin?.teardown?.();
      },
    });
  },
});
