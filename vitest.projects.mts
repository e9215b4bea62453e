// One vitest process over every workspace, for a fast local run or watch mode
// (`pnpm test:all`). Not named vitest.config.* on purpose: vitest searches upwards for its
// config, and a root config with `projects` would break each package's own `vitest run`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { projects: ['packages/*', 'alerts/*', 'tests/*'] },
});
