import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDependencyRules, importedPackages } from '../scripts/dependency-rules.mjs';

function tree(packages) {
  const root = mkdtempSync(join(tmpdir(), 'loom-deps-'));
  for (const [path, { manifest, files = {} }] of Object.entries(packages)) {
    mkdirSync(join(root, path, 'src'), { recursive: true });
    writeFileSync(join(root, path, 'package.json'), JSON.stringify(manifest));
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path, file)), { recursive: true });
      writeFileSync(join(root, path, file), source);
    }
  }
  return root;
}

const core = {
  manifest: {
    name: '@loom/core',
    dependencies: { eventemitter3: '5' },
    peerDependencies: { zod: '4' },
  },
};

describe('dependency rules', () => {
  it('hold for this repository', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    expect(checkDependencyRules(root)).toEqual([]);
  });

  it('reads every import form, skipping relative paths and Node built-ins', () => {
    const source = `import { a } from '@loom/core';\nimport type { B } from "zod/v4";\nexport * from './x.js';\nconst pg = await import('pg');\nimport 'side-effect';\nimport { readFileSync } from 'node:fs';\nimport path from 'path';\nconst r = require('ioredis');`;
    expect([...importedPackages(source)].sort()).toEqual([
      '@loom/core',
      'ioredis',
      'pg',
      'side-effect',
      'zod',
    ]);
  });

  it('catch core importing a plugin, extra core dependencies, and plugins importing cost, testkit or an app', () => {
    const root = tree({
      'packages/core': {
        manifest: {
          name: '@loom/core',
          dependencies: { eventemitter3: '5', undici: '7' },
          peerDependencies: { '@loom/cost': '*' },
        },
        files: { 'src/index.ts': "import { x } from '@loom/cost';" },
      },
      'packages/cost': {
        manifest: { name: '@loom/cost', peerDependencies: { '@loom/core': '*' } },
      },
      'packages/monitor': {
        manifest: {
          name: '@loom/monitor',
          dependencies: { '@loom/cost': '*', '@loom/testkit': '*' },
          peerDependencies: { '@loom/core': '*' },
        },
        files: {
          'src/a.ts':
            "import { c } from '@loom/cost';\nimport { t } from '@loom/testkit';\nimport { g } from '@loom/gateway';",
        },
      },
      'packages/testkit': {
        manifest: { name: '@loom/testkit', peerDependencies: { '@loom/core': '*' } },
      },
      'apps/gateway': {
        manifest: { name: '@loom/gateway', dependencies: { '@loom/cost': '*' } },
        files: { 'src/main.ts': "import '@loom/cost';" },
      },
    });
    const violations = checkDependencyRules(root).join('\n');
    expect(violations).toContain(
      'packages/core/src/index.ts: @loom/core must not import @loom/cost',
    );
    expect(violations).toContain(
      '@loom/core may depend only on eventemitter3, semver (found undici)',
    );
    expect(violations).toContain(
      '@loom/core may peer-depend only on @opentelemetry/api, zod (found @loom/cost)',
    );
    expect(violations).toContain(
      'packages/monitor/src/a.ts: @loom/monitor must not import @loom/cost',
    );
    expect(violations).toContain(
      'packages/monitor/src/a.ts: @loom/monitor must not import @loom/testkit',
    );
    expect(violations).toContain(
      'packages/monitor/src/a.ts: @loom/monitor must not import @loom/gateway',
    );
    expect(violations).toContain(
      'packages/monitor: @loom/testkit belongs in devDependencies, not dependencies',
    );
    expect(violations).not.toContain('apps/gateway');
  });

  it('let a provider build on another provider, and catch undeclared imports', () => {
    const root = tree({
      'packages/core': core,
      'packages/provider-openai': {
        manifest: { name: '@loom/provider-openai', peerDependencies: { '@loom/core': '*' } },
      },
      'packages/provider-vllm': {
        manifest: {
          name: '@loom/provider-vllm',
          dependencies: { '@loom/provider-openai': '*' },
          peerDependencies: { '@loom/core': '*' },
        },
        files: {
          'src/index.ts':
            "import { p } from '@loom/provider-openai';\nimport { parse } from 'prom-parser';\nimport { x } from './x.js';",
        },
      },
    });
    expect(checkDependencyRules(root)).toEqual([
      'packages/provider-vllm/src/index.ts: imports prom-parser, which @loom/provider-vllm does not declare in dependencies or peerDependencies',
    ]);
  });
});
