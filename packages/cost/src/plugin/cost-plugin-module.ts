import { isAbsolute, resolve } from 'node:path';
import { definePluginModule } from '@loom/core';
import { z } from 'zod';
import type { BudgetConfig } from '../budgets/budget-config.js';
import { openSqliteLedger } from '../ledger/sqlite-ledger.js';
import { costPlugin } from './cost-plugin.js';
import { budgetConfigSchema, pricingConfigSchema } from './cost-settings-schema.js';

/**
 * The cost plugin as a plugin module, for hosts without a cost setup of their own: budgets,
 * pricing and a ledger that is `memory` (default) or a SQLite file relative to the config file.
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
  async create({ budgets = [], pricing = {}, ledger = 'memory' }, host) {
    const { defaultMaxTokens, unpricedModels, ...prices } = pricing;
    const path = isAbsolute(ledger) ? ledger : resolve(host.configDir, ledger);
    return costPlugin({
      // The schema checked `scope` against the same pattern as BudgetScope.
      budgets: budgets as readonly BudgetConfig[],
      pricing: prices,
      ...(ledger === 'memory' ? {} : { ledger: await openSqliteLedger({ path }) }),
      ...(defaultMaxTokens ? { defaultMaxTokens } : {}),
      ...(unpricedModels ? { unpricedModels } : {}),
    });
  },
});
