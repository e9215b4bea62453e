import { withPreset } from '@alertkit/vitest-config';

// End-to-end tests copy the repository, install and build: minutes, not milliseconds.
// globalSetup starts the RabbitMQ broker the sink tests use (test/support/globalSetup.ts).
export default withPreset({
  test: {
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    globalSetup: ['test/support/globalSetup.ts'],
  },
});
