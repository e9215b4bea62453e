// @ts-check
import { defineConfig } from 'tsup';

/**
 * Library preset: ESM + .d.ts from `src/index.ts`. Dependencies and peers stay external
 * (tsup reads package.json). Types are emitted without the `@alertkit/source` condition, so
 * they are checked against what consumers install (the dependencies' built `dist`).
 * A package with more entries (the CLI's `bin`) spreads this preset and sets `entry`.
 * @type {import('tsup').Options}
 */
export const preset = {
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: { compilerOptions: { customConditions: [] } },
  clean: !process.argv.includes('--watch'),
  sourcemap: false,
  splitting: false,
  treeshake: true,
};

export default defineConfig(preset);
