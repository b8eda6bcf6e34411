import { defaultServerConditions } from 'vite';

// Tests run from source: the `@loom/source` export condition points each workspace package at
// its src/index.ts. Vitest's Node tests resolve through `ssr.resolve`, not the top-level
// `resolve`, so the condition goes there, followed by Vite's own defaults minus `module`: that
// bundler condition picks builds Node cannot load (@opentelemetry/api's extensionless ESM).
const nodeConditions = defaultServerConditions.filter((condition) => condition !== 'module');
export const sourceConditions = ['@loom/source', ...nodeConditions];

/** @param {{ name: string, fromSource?: boolean, testTimeout?: number }} options */
export function projectConfig({ name, fromSource = true, testTimeout = 15_000 }) {
  const conditions = fromSource ? sourceConditions : nodeConditions;
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout,
      hookTimeout: testTimeout,
    },
  };
}
