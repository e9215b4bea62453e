// @ts-check
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';

/**
 * Whether the package under test (the working directory turbo and pnpm run `vitest` in) is an
 * alert: its package.json has the `alertkit-alert` keyword.
 */
function testingAnAlert() {
  try {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
    return Array.isArray(pkg.keywords) && pkg.keywords.includes('alertkit-alert');
  } catch {
    return false;
  }
}

/**
 * Libraries' tests read sibling packages from source (the `@alertkit/source` condition, no
 * build needed; see tooling/tsconfig). An alert's tests read the libraries' built `dist`
 * instead, loaded by Node without vite's transform: transforming the libraries' TypeScript was
 * most of an alert's cold test run (turbo builds them first: `test` depends on `^build:js`). The
 * editor and `tsc` still resolve the source condition, so go-to-source is unchanged.
 */
const alert = testingAnAlert();
const conditions = alert ? [] : ['@alertkit/source'];
/** A probe of `alertkit diff`/`mutate` runs in this process (see the `external` option below). */
const probing = Boolean(process.env['ALERTKIT_PROBE']);

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
    // Built libraries are plain ES modules: Node imports them directly, the harness too
    // (vite's transform of its dist and the source maps cost ~60 ms of each alert's run). Not
    // when a probe runs (`ALERTKIT_PROBE`, set by `alertkit diff`, `mutate` and the cross
    // probe): the probes import alerts' TypeScript sources, which only vite's loader can do.
    // An alert's one test file runs in a worker thread rather than a forked process: measured
    // on an alert suite, ~7% less CPU per run (no second Node process to boot); alert tests
    // neither chdir nor exit, which a thread could not.
    ...(alert
      ? {
          server: {
            deps: {
              external: [
                probing ? /\/packages\/(?!harness\/)[^/]+\/dist\// : /\/packages\/[^/]+\/dist\//,
              ],
            },
          },
          pool: 'threads',
        }
      : {}),
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
