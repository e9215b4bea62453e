// The alert worker when the runner runs from its TypeScript sources (under vitest): Node 20
// workers do not apply `--import` loaders, so this loads the worker, and the alert modules it
// imports, through tsx's API. Built packages use dist/alertWorker.js instead.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./alertWorker.ts', import.meta.url);
export default worker.default;
