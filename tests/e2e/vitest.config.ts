import { withPreset } from '@alertkit/vitest-config';

// End-to-end tests copy the repository, install and build: minutes, not milliseconds.
export default withPreset({ test: { testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false } });
