import { defineConfig } from 'tsup';
import { preset } from '@alertkit/tsup-config';

// The CLI adds its executable entry to the library preset.
export default defineConfig({ ...preset, entry: ['src/index.ts', 'src/bin.ts'] });
