// The ingest worker when the runner runs from its TypeScript sources (under vitest): Node 20
// workers do not apply `--import` loaders, so this loads the worker through tsx's API. Built
// packages use dist/ingestWorker.js instead.
import { tsImport } from 'tsx/esm/api';

await tsImport('./ingestWorker.ts', import.meta.url);
