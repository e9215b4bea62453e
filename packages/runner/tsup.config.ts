import { defineConfig } from 'tsup';
import { preset } from '@alertkit/tsup-config';

// The alert worker is its own entry: the pool loads it by file next to the bundle.
export default defineConfig({
  ...preset,
  entry: { index: 'src/index.ts', alertWorker: 'src/isolation/alertWorker.ts' },
});
