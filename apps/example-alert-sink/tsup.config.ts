import { defineConfig } from 'tsup';

// Written out rather than taken from the monorepo's presets: this package shows what an outside
// author ships.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
