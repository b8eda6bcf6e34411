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
  },
});
