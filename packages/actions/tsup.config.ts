import { defineConfig } from 'tsup';
import { preset } from '@alertkit/tsup-config';

// Each action is its own entry so an installation file can name it (`@alertkit/actions/pagerduty`).
export default defineConfig({
  ...preset,
  entry: {
    index: 'src/index.ts',
    blockIp: 'src/blockIp.ts',
    pagerduty: 'src/pagerduty.ts',
    triageBot: 'src/triageBot.ts',
  },
});
