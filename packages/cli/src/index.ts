/**
 * @alertkit/cli: the `alertkit` command (its `bin`), and the program for embedding and tests.
 */
export { createProgram, main } from './program.js';
export type { Io } from './program.js';
