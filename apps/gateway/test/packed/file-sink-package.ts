/**
 * A third-party alert sink as a user would write it in their own project: it appends every alert
 * it receives as a JSON line to `file` (relative to the config file's folder).
 */
export const FILE_SINK_SOURCE = `
import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';

export default {
  specificationVersion: 'v1',
  kind: 'alert-sink',
  type: 'file',
  settings: z.strictObject({ file: z.string().min(1) }),
  create(settings, host) {
    const file = resolve(host.configDir, settings.file);
    return {
      specificationVersion: 'v1',
      name: 'file',
      async doSend(alert) {
        await appendFile(file, JSON.stringify(alert) + '\\n');
      },
    };
  },
};
`;

export const FILE_SINK_MANIFEST = {
  name: 'loom-sink-file',
  version: '0.0.1',
  type: 'module',
  exports: './index.js',
  keywords: ['loom-plugin'],
};
