import type { ScaffoldKind, ScaffoldNames } from './scaffold-names.js';

/**
 * Versions of the tools a generated package builds and tests with: the ones Loom itself is
 * built and tested with (a test keeps them equal to the example packages' pins).
 */
export const TOOL_VERSIONS = {
  '@types/node': '^20.19.0',
  tsup: '8.5.1',
  typescript: '5.9.3',
  vitest: '4.1.12',
  zod: '4.6.7',
} as const;

const entry = (name: string) => ({
  import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
  require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
});

/** The package.json of a generated plugin, against Loom `loomVersion`. */
export function manifestOf(kind: ScaffoldKind, names: ScaffoldNames, loomVersion: string) {
  const loom = `^${loomVersion}`;
  const what = kind === 'provider' ? 'provider' : 'alert sink';
  return {
    name: names.packageName,
    version: '0.1.0',
    description: `A Loom ${what}: ${names.pascal}`,
    license: 'MIT',
    keywords: ['loom', 'loom-plugin'],
    type: 'module',
    sideEffects: false,
    exports: { '.': entry('index'), './package.json': './package.json' },
    main: './dist/index.cjs',
    module: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist'],
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsup',
      prepare: 'tsup',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
    },
    ...(kind === 'provider' ? { dependencies: { '@loom/provider-utils': loom } } : {}),
    peerDependencies: { '@loom/core': loom, zod: '^4.0.0' },
    devDependencies: {
      '@loom/core': loom,
      '@loom/testkit': loom,
      ...TOOL_VERSIONS,
    },
  };
}

/** The tsconfig of a generated plugin: strict, for Node's ESM. */
export const GENERATED_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['src', 'test', '*.config.ts'],
};

export const GENERATED_GITIGNORE = 'node_modules/\ndist/\n';
