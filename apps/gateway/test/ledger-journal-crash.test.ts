// The embedded default (a SQLite ledger, `ledgerWrites: request`) keeps each answered request's
// cost row in a journal before the answer; a gateway killed with SIGKILL loses none of them: the
// next start stores them.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteLedger } from '@loom/cost';
import { startOpenAIServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from './scale-out/gateway-process.js';
import { keepAliveAgent, send } from './scale-out/http-client.js';

const directory = mkdtempSync(join(tmpdir(), 'loom-journal-crash-'));
const database = join(directory, 'ledger.db');
let upstream: Awaited<ReturnType<typeof startOpenAIServer>>;
let gateway: GatewayProcess | undefined;

beforeAll(async () => {
  upstream = await startOpenAIServer();
  writeFileSync(
    join(directory, 'loom.json'),
    JSON.stringify({
      providers: [{ id: 'sim', type: 'openai', baseURL: upstream.baseURL }],
      models: [{ name: 'chat', targets: ['sim/gpt-4o-mini'] }],
      health: { intervalMs: 0 },
      logging: { level: 'warn' },
      storage: { ledger: 'sqlite://./ledger.db' },
    }),
  );
});
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await upstream?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function rowsInLedger(): Promise<number> {
  const reader = await openSqliteLedger({ path: database });
  try {
    const [total] = await reader.query();
    return total?.records ?? 0;
  } finally {
    await reader.close();
  }
}

describe('a SQLite-ledger gateway killed with SIGKILL', () => {
  it('stores every answered request at its next start', async () => {
    gateway = await startGatewayProcess(join(directory, 'loom.json'));
    const agent = keepAliveAgent();
    let answered = 0;
    for (let index = 0; index < 40; index += 1) {
      const reply = await send(`${gateway.url}/v1/chat/completions`, {
        agent,
        body: { model: 'chat', messages: [{ role: 'user', content: `row ${index}` }] },
      });
      expect(reply.status).toBe(200);
      answered += 1;
    }
    await gateway.stop('SIGKILL');
    agent.destroy();
    const journals = readdirSync(directory).filter((name) => name.includes('.journal-'));
    expect(journals).toHaveLength(1);

    gateway = await startGatewayProcess(join(directory, 'loom.json'));
    await gateway.stop('SIGTERM');
    expect(gateway.output()).toContain('loom gateway stopped');
    // One attempt, one row each: all of them, and none twice.
    expect(await rowsInLedger()).toBe(answered);
    // Recovered and, after a clean stop, no journal is left behind.
    expect(existsSync(join(directory, journals[0] as string))).toBe(false);
    expect(readdirSync(directory).filter((name) => name.includes('.journal-'))).toEqual([]);
  }, 120_000);
});
