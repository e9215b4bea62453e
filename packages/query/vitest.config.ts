import { withPreset } from '@alertkit/vitest-config';

// The Lucene oracle suites start a JVM and compile Java: allow them time on a loaded machine.
export default withPreset({ test: { testTimeout: 120_000 } });
