import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBenchCli } from '@loom/bench';
import { describe, expect, it } from 'vitest';
import { buildKernel } from '../src/config/build-kernel.js';
import { loadConfig } from '../src/config/load-config.js';
import { startRuntimeStack } from './runtime-stack.js';

const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };

describe('routing.latencyPriorsFrom', () => {
  it('seeds the router from `loom bench --json` results measured through the gateway', async () => {
    const stack = await startRuntimeStack();
    try {
      const results = join(stack.directory, 'bench.json');
      const code = await runBenchCli(
        ['--url', `${stack.loom.url}/v1`, '--model', 'chat', '--requests', '20', '--json', results],
        quiet,
      );
      expect(code).toBe(0);
      const file = join(stack.directory, 'priors.json');
      await writeFile(
        file,
        JSON.stringify({
          ...stack.raw,
          routing: {
            strategy: 'latency',
            latencyPriorsFrom: './bench.json',
            latencyPriors: { 'backup/gpt-4o-mini': { latencyMs: 9_999 } },
          },
        }),
      );
      const config = await loadConfig(file, {});
      const priors = config.routing?.latencyPriors ?? {};
      expect(priors['primary/gpt-4o-mini']?.latencyMs).toBeGreaterThan(0);
      expect(priors['backup/gpt-4o-mini']?.latencyMs).toBe(9_999);
      const kernel = await buildKernel(config, 'priors.json');
      const plan = await kernel.explain({
        model: 'chat',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(plan.candidates[0]?.deployment.id).toBe('primary/gpt-4o-mini');
      await kernel.stop();

      await writeFile(
        file,
        JSON.stringify({ ...stack.raw, routing: { latencyPriorsFrom: 'nope.json' } }),
      );
      await expect(loadConfig(file, {})).rejects.toThrow(
        /priors\.json: routing\.latencyPriorsFrom: /,
      );
    } finally {
      await stack.close();
    }
  }, 60_000);
});
