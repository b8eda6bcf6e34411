import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCommand } from '../src/cli/check-command.js';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

async function check(budgets: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'loom-check-'));
  folders.push(folder);
  const file = join(folder, 'loom.yaml');
  await writeFile(
    file,
    [
      'providers:',
      '  - { id: local, type: openai, baseURL: "http://127.0.0.1:9/v1" }',
      'storage: { ledger: memory }',
      'budgets:',
      budgets,
    ].join('\n'),
  );
  return checkCommand(file);
}

describe('loom check on budgets a client can step around', () => {
  it('warns, naming the budget, when a block or downgrade budget is counted by user, session or a tag', async () => {
    const summary = await check(
      [
        '  - { name: total, limitUsd: 100, action: block }',
        '  - { name: per-user, limitUsd: 0.2, scope: user, window: day, action: block }',
        '  - { name: per-team, limitUsd: 5, scope: "tag:team", action: downgrade }',
        '  - { name: per-session, limitUsd: 1, scope: session, action: block }',
      ].join('\n'),
    );
    expect(summary).toContain('loom.yaml: OK');
    const warnings = summary.split('\n').filter((line) => line.includes('warning:'));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('budgets[1] (per-user): this block budget');
    expect(warnings[0]).toContain('the request body\'s "user"');
    expect(warnings[1]).toContain('budgets[2] (per-team): this downgrade budget');
    expect(warnings[1]).toContain('"metadata.team"');
    expect(warnings[2]).toContain('budgets[3] (per-session)');
  });

  it('says nothing of alert budgets or of budgets the server decides (provider, model, key, team)', async () => {
    const summary = await check(
      [
        '  - { name: per-user-alert, limitUsd: 1, scope: user, action: alert }',
        '  - { name: per-user-default, limitUsd: 1, scope: user }',
        '  - { name: per-provider, limitUsd: 5, scope: provider, action: block }',
        '  - { name: per-model, limitUsd: 5, scope: model, action: downgrade }',
        '  - { name: per-key, limitUsd: 5, scope: key, action: block }',
        '  - { name: per-team, limitUsd: 5, scope: team, action: block }',
        '  - { name: per-key-tag, limitUsd: 5, scope: "tag:loom.key", action: block }',
      ].join('\n'),
    );
    expect(summary).toContain('loom.yaml: OK');
    expect(summary).not.toContain('warning:');
  });
});
