// One build shape for every library: ESM + CJS + d.ts, so both module systems and every
// TypeScript resolution mode (checked by attw) get a matching file.
/** @param {Partial<import('tsup').Options>} overrides */
export function libraryBuild(overrides = {}) {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}
