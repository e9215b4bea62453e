import { defineConfig } from 'tsup';
import { preset } from '@alertkit/tsup-config';

// The alert and ingest workers are entries of their own: they are loaded by file next to the bundle.
export default defineConfig({
  ...preset,
  entry: {
    index: 'src/index.ts',
    alertWorker: 'src/isolation/alertWorker.ts',
    ingestWorker: 'src/ingestWorker.ts',
  },
});
