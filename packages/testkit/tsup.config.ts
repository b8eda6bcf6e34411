import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tooling/tsup.preset.mjs';

export default defineConfig(
  libraryBuild({
    entry: {
      index: 'src/index.ts',
      conformance: 'src/conformance/index.ts',
      fixtures: 'src/fixtures/index.ts',
    },
  }),
);
