import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

describe('quickstart (the main job until the gateway exists)', () => {
  it('prints a failover, a streamed answer and the kernel stats', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@loom/source', '--import', 'tsx', resolve(here, '../src/main.ts')],
      { cwd: root, timeout: 30_000 },
    );
    expect(stdout).toContain('attempt 1 on primary/mock-model failed: provider_error (503)');
    expect(stdout).toContain('backup/mock-model answered after 2 attempts:');
    expect(stdout).toContain('Loom routed this answer to the backup after the primary failed.');
    expect(stdout).toContain('Streams pass through as they arrive.');
    const stats = JSON.parse(stdout.slice(stdout.indexOf('{')));
    expect(stats.requests).toEqual({ total: 2, succeeded: 2, failed: 0, inFlight: 0 });
    expect(stats.deployments['primary/mock-model']).toMatchObject({ attempts: 2, failures: 1 });
    expect(stats.deployments['backup/mock-model']).toMatchObject({ attempts: 1, failures: 0 });
  });
});
