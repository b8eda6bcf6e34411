import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tooling/tsup.preset.mjs';

export default defineConfig(libraryBuild());
