// @ts-check
import { defineConfig, mergeConfig } from 'vitest/config';

// Tests read sibling packages from source (no build needed): see tooling/tsconfig.
const conditions = ['@alertkit/source'];

/**
 * The project preset. Each run also writes a JSON report to `.vitest/report.json` (git-ignored,
 * a turbo output) so that `.ci/run` can total the test cases over all packages, cached or not.
 * (A package's own config is its root config when turbo runs `vitest run` in it; under the
 * root projects file the reporters are the root's.)
 */
export const preset = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    clearMocks: true,
    // `alertkit test` asks for the report elsewhere, leaving turbo's output alone.
    reporters: [
      'default',
      ['json', { outputFile: process.env['ALERTKIT_VITEST_REPORT'] ?? '.vitest/report.json' }],
    ],
  },
});

/**
 * The preset with package-specific settings on top (e.g. a longer timeout for end-to-end tests).
 * @param {import('vitest/config').ViteUserConfig} overrides
 */
export function withPreset(overrides) {
  return mergeConfig(preset, overrides);
}

export default preset;
