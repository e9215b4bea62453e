import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';
import { compileClause } from '../src/engine/compile.js';
import { EventIndex } from '../src/engine/eventIndex.js';
import { MOZDEF_EVENTS_MAPPING, parseMapping } from '../src/engine/mapping.js';
import { fuzzQueries } from '../test/hostile/fuzzQueries.js';

/**
 * The hostile fuzz's 10,000 query strings (test/hostile), each parsed and compiled (automata
 * included): the time of the slowest string and the 99th percentile, in CPU milliseconds of
 * this process (so other jobs on the machine do not count), written to `.hostile.json` for
 * report.mjs. The goal (issue 18): no string over 50 ms.
 */
const index = new EventIndex(parseMapping(MOZDEF_EVENTS_MAPPING));
const queries = [...fuzzQueries(18, 10_000)];

function compileAll(): number[] {
  const times: number[] = [];
  for (const query of queries) {
    const start = process.cpuUsage();
    try {
      compileClause(index, { type: 'queryString', query });
    } catch {
      // The parser's own errors are the expected outcome for most of them.
    }
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return times;
}

describe('hostile query strings', () => {
  bench(
    'parse and compile 10,000 fuzzed query strings',
    () => {
      compileAll();
    },
    {
      iterations: 3,
      setup: () => {
        const measured = compileAll();
        const worst = Math.max(...measured);
        const slowest = queries[measured.indexOf(worst)] ?? '';
        const times = [...measured].sort((a, b) => a - b);
        writeFileSync(
          fileURLToPath(new URL('.hostile.json', import.meta.url)),
          `${JSON.stringify(
            {
              cases: times.length,
              worstMs: Math.round(worst * 10) / 10,
              p99Ms: Math.round((times[Math.floor(times.length * 0.99)] ?? 0) * 10) / 10,
              slowest: slowest.slice(0, 60),
            },
            null,
            2,
          )}\n`,
        );
      },
    },
  );
});
