import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The installed folder of a package the gateway's tests can reach (zod, @loom/testkit). */
async function installedFolder(name: string): Promise<string> {
  const manifest = require.resolve(`${name}/package.json`);
  return realpath(dirname(manifest));
}

/**
 * A folder outside the workspace holding a config's plugin packages in `node_modules`, the way
 * a user installs them next to `loom.yaml`. `zod` is linked from the workspace so fixture
 * packages can import it.
 */
export async function pluginFolder(): Promise<{
  directory: string;
  addPackage(name: string, source: string, manifest?: Record<string, unknown>): Promise<void>;
}> {
  const directory = await mkdtemp(join(tmpdir(), 'loom-plugins-'));
  for (const name of ['zod']) {
    const target = join(directory, 'node_modules', name);
    await mkdir(dirname(target), { recursive: true });
    await symlink(await installedFolder(name), target, 'dir');
  }
  return {
    directory,
    async addPackage(name, source, manifest = {}) {
      const folder = join(directory, 'node_modules', name);
      await mkdir(folder, { recursive: true });
      const main = { name, version: '1.2.3', type: 'module', exports: './index.js', ...manifest };
      await writeFile(join(folder, 'package.json'), JSON.stringify(main));
      await writeFile(join(folder, 'index.js'), source);
    },
  };
}

/** A third-party provider package: settings `{ id, endpoint: URL }`, answers "acme: <prompt>". */
export const ACME_PROVIDER = `
import { z } from 'zod';
const usage = { inputTokens: 1, outputTokens: 2, totalTokens: 3, estimated: false };
const answer = (request) => 'acme: ' + request.messages.at(-1).content;
export default {
  specificationVersion: 'v1',
  kind: 'provider',
  type: 'acme',
  settings: z.strictObject({ id: z.string(), endpoint: z.url(), apiKey: z.string().optional() }),
  create: (settings) => ({
    specificationVersion: 'v1',
    id: settings.id,
    type: 'acme',
    async doListModels() { return [{ id: 'any', capabilities: { chat: true, streaming: true } }]; },
    async doChat(request) {
      return { model: request.model, message: { role: 'assistant', content: answer(request) },
        finishReason: 'stop', usage };
    },
    async doStream(request) {
      async function* parts() {
        yield { type: 'text-delta', delta: answer(request) };
        yield { type: 'finish', finishReason: 'stop', usage };
      }
      return { stream: parts() };
    },
  }),
};
`;

/**
 * A third-party alert sink whose `integration` setting is a secret only its module knows of; it
 * logs the setting through the host, as a careless plugin might.
 */
export const ACME_SINK = `
import { z } from 'zod';
export const loomPlugin = {
  specificationVersion: 'v1',
  kind: 'alert-sink',
  type: 'pager',
  settings: z.strictObject({ integration: z.string().min(1) }),
  secrets: ['integration'],
  create(settings, host) {
    host.logger.info('pager integration ' + settings.integration + ' ready');
    return { specificationVersion: 'v1', name: 'pager', async doSend() {} };
  },
};
`;
