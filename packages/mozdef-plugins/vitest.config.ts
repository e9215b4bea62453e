import { withPreset } from '@alertkit/vitest-config';

// Alert runs go through worker threads that load the TypeScript sources (tsx) when tests run
// from them: on a loaded 2-core CI machine a worker's first start takes seconds.
export default withPreset({ test: { testTimeout: 120_000 } });
