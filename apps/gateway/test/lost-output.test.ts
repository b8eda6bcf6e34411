// A gateway process whose output fails (a full disk under its log file, a log collector that
// went away) must keep serving: failed writes are 'error' events, and one nobody listens to
// ends the process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOpenAIServer } from '@loom/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from './scale-out/gateway-process.js';
import { keepAliveAgent, send } from './scale-out/http-client.js';

const directory = mkdtempSync(join(tmpdir(), 'loom-lost-output-'));
let upstream: Awaited<ReturnType<typeof startOpenAIServer>>;
let gateway: GatewayProcess | undefined;

beforeAll(async () => {
  upstream = await startOpenAIServer();
});
afterEach(async () => {
  await gateway?.stop('SIGKILL');
  gateway = undefined;
});
afterAll(async () => {
  await upstream?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Writes a config serving `chat` from the simulator, with these `logging` settings. */
function configFile(name: string, logging: Record<string, unknown>): string {
  const file = join(directory, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      providers: [{ id: 'sim', type: 'openai', baseURL: upstream.baseURL }],
      models: [{ name: 'chat', targets: ['sim/gpt-4o-mini'] }],
      health: { intervalMs: 0 },
      logging,
      storage: { ledger: 'memory' },
    }),
  );
  return file;
}

/** Sends `count` chats one after another; returns the statuses. */
async function chats(url: string, count: number): Promise<number[]> {
  const agent = keepAliveAgent();
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const reply = await send(`${url}/v1/chat/completions`, {
      agent,
      body: { model: 'chat', messages: [{ role: 'user', content: `line ${index}` }] },
    });
    statuses.push(reply.status);
  }
  agent.destroy();
  return statuses;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a gateway process whose output fails', () => {
  it('a log file whose writes fail (a full disk: /dev/full): keeps serving, says so once on stderr, and stops cleanly', async () => {
    gateway = await startGatewayProcess(
      configFile('full-disk', { level: 'info', destination: '/dev/full' }),
    );
    // About 300 bytes an access line: a hundred of them fill the 4 KiB buffer several times.
    expect(await chats(gateway.url, 100)).toEqual(Array(100).fill(200));
    // The once-a-second flush meets the failing disk too.
    await pause(1_200);
    expect(await chats(gateway.url, 5)).toEqual(Array(5).fill(200));
    expect(gateway.exited).toBe(false);
    const told = gateway.output().match(/log destination \/dev\/full failed \(ENOSPC/g) ?? [];
    expect(told).toHaveLength(1);
    await gateway.stop('SIGTERM');
    expect(gateway.output()).toContain('loom gateway stopped');
    expect(gateway.exitCode).toBe(0);
  }, 120_000);

  it('stdout and stderr without a reader (closed pipes): keeps serving, reloads and stops cleanly', async () => {
    const file = configFile('closed-pipes', { level: 'info' });
    gateway = await startGatewayProcess(file);
    gateway.closeOutput();
    // Access lines go to stdout, a failed reload is reported on stderr.
    expect(await chats(gateway.url, 50)).toEqual(Array(50).fill(200));
    writeFileSync(file, '{ "providers": [');
    process.kill(gateway.pid, 'SIGHUP');
    await pause(500);
    expect(await chats(gateway.url, 50)).toEqual(Array(50).fill(200));
    expect(gateway.exited).toBe(false);
    // Stopping announces itself on stdout, then drains and exits 0.
    await gateway.stop('SIGTERM');
    expect(gateway.exitCode).toBe(0);
  }, 120_000);
});
