import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineAlert } from '@alertkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, events } from './events.js';
import { negative, positive } from './cases.js';
import { crossProbe } from './probe.js';

const coreSource = pathToFileURL(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../core/src/index.ts'),
).href;

let root: string;
let setModule: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'alertkit-cross-'));
  const file = join(root, 'set.js');
  // An alert set module (as alert-generic-rules): its alerts are not exports of the module.
  await writeFile(
    file,
    `import { defineAlert, defineAlertSet } from ${JSON.stringify(coreSource)};
export const alertSet = defineAlertSet({ name: 'rules', description: 'd', load: () => [
  defineAlert({ name: 'rule-auth', description: 'd', severity: 'NOTICE', category: 'c',
    criteria: { query: { type: 'bool', must: [{ type: 'match', field: 'category', value: 'authentication' }] } },
    onEvent: () => ({ summary: 'auth' }) }),
] });`,
  );
  setModule = pathToFileURL(file).href;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('crossProbe', () => {
  it("runs the alerts of another package's alert set over this alert's positive cases", async () => {
    const alert = defineAlert({
      name: 'logins',
      description: 'd',
      severity: 'NOTICE',
      category: 'c',
      criteria: {
        query: { type: 'bool', must: [{ type: 'exists', field: 'details.username' }] },
      },
      onEvent: () => ({ summary: 'login' }),
    });
    const out = join(root, 'report.ndjson');
    await crossProbe(
      alert,
      {
        defaultEvent: { _source: { details: { username: 'bob' } } },
        cases: [
          positive('an authentication event', [event({ category: 'authentication' })]),
          positive('a proxy event', events({ category: 'proxy' }, 2)),
          negative('no username', [event({ details: { username: null } })]),
        ],
      },
      [{ module: setModule }],
      out,
    );
    const report = JSON.parse(await readFile(out, 'utf8')) as {
      positives: number;
      overlaps: { alert: string; on: string; case: string }[];
    };
    expect(report.positives).toBe(2);
    expect(report.overlaps.map((o) => [o.alert, o.on, o.case])).toEqual([
      ['rule-auth', 'logins', 'an authentication event'],
    ]);
  });
});
