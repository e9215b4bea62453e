// @ts-check
import { defineConfig } from 'tsup';

/**
 * Library preset: ESM + .d.ts from `src/index.ts`. Dependencies and peers stay external
 * (tsup reads package.json). A plain `tsup` emits types without the `@alertkit/source`
 * condition (checked against the dependencies' built `dist`); `tsup --dts-only` replaces this
 * `dts` setting with its own, so a library's `build` resolves its dependencies' sources
 * instead: the declarations it writes are the same (compared file by file when this changed).
 * A package with more entries (the CLI's `bin`) spreads this preset and sets `entry`.
 *
 * A library builds in two turbo tasks: `build:js` (`tsup --no-dts`, what tests and the CLI run)
 * and `build` (`tsup --dts-only`, after it). Tests wait only for the first: the declarations
 * of core, query and harness took ~9 of the ~12 s before an alert's cold test could start.
 * `build:js` keeps the declarations already in `dist` (the next `build` replaces them), and
 * `--dts-only` never touches the JavaScript, so the two never remove each other's files.
 * @type {import('tsup').Options}
 */
export const preset = {
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: { compilerOptions: { customConditions: [] } },
  clean: process.argv.includes('--watch')
    ? false
    : process.argv.includes('--no-dts')
      ? ['!**/*.d.{ts,cts,mts}']
      : true,
  sourcemap: false,
  splitting: false,
  treeshake: true,
};

export default defineConfig(preset);
