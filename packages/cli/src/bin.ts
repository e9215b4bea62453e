#!/usr/bin/env node
import { main } from './program.js';

const code = await main(process.argv.slice(2));
// A command may have set a failing status itself (`run --once` when an alert failed): keep it.
process.exitCode = code !== 0 ? code : (process.exitCode ?? 0);
