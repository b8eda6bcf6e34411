import { cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts', 'src/index.ts'],
  format: ['esm'],
  // Types for the programmatic API only; the CLI is a bin, not an import.
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  // The dashboard's HTML, CSS and browser scripts are served as files, not bundled: copy them
  // next to the bundles, where src/dashboard/dashboard-assets.ts looks for them.
  onSuccess: async () => {
    await cp('src/dashboard/dashboard-page', 'dist/dashboard-page', { recursive: true });
    // `loom new` copies the example packages: ship their sources (see src/scaffold/).
    for (const [kind, example] of [
      ['provider', '../example-http-provider'],
      ['alert-sink', '../example-alert-sink'],
    ]) {
      for (const entry of ['src', 'test', 'README.md', 'tsup.config.ts']) {
        await cp(`${example}/${entry}`, `dist/templates/${kind}/${entry}`, { recursive: true });
      }
    }
  },
});
