import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';
import { negative, positive } from './cases.js';
import { events } from './events.js';
import {
  crossProbe,
  diffProbe,
  snapshotAlert,
  type CrossProbeReport,
  type DiffProbeReport,
} from './probe.js';

const version = (threshold: number, program: string) =>
  defineAlert({
    name: 'ssh-failures',
    description: 'd',
    severity: 'NOTICE',
    category: 'bruteforce',
    criteria: search({ minutes: 2 }).must(match('details.program', program)),
    aggregate: { field: 'details.sourceipaddress', threshold },
    onAggregation: (g) => ({ summary: `${g.count} from ${String(g.value)}` }),
  });

const suite = {
  defaultEvent: { _source: { details: { program: 'sshd', sourceipaddress: '1.2.3.4' } } },
  cases: [positive('three alert', events({}, 3)), negative('two do not', events({}, 2))],
};

async function probe(current: ReturnType<typeof version>, base: ReturnType<typeof version>) {
  const out = join(await mkdtemp(join(tmpdir(), 'probe-')), 'report.ndjson');
  await diffProbe(current, base, suite, out);
  const [line] = (await readFile(out, 'utf8')).trim().split('\n');
  return JSON.parse(line ?? '{}') as DiffProbeReport;
}

describe('the diff probe', () => {
  it('runs every case of the suite with both versions, on the same events', async () => {
    const report = await probe(version(2, 'sshd'), version(3, 'sshd'));
    expect(report.current.criteria?.aggregation?.threshold).toBe(2);
    expect(report.base.criteria?.aggregation?.threshold).toBe(3);
    expect(
      report.cases.map((c) => [c.description, c.current.alerts.length, c.base.alerts.length]),
    ).toEqual([
      ['three alert', 1, 1],
      ['two do not', 1, 0],
    ]);
    const [three] = report.cases;
    expect(three?.current.alerts[0]?.['summary']).toBe('3 from 1.2.3.4');
    expect(three?.current.alerts[0]?.['events']).toEqual(three?.base.alerts[0]?.['events']);
  });

  it('generates events from each clause of either version and runs both on them', async () => {
    const report = await probe(version(3, 'sshd'), version(3, 'ssh'));
    expect(report.generated).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'details.program', value: 'ssh', current: 0, base: 1 }),
        expect.objectContaining({ field: 'details.program', value: 'sshd', current: 1, base: 0 }),
      ]),
    );
  });

  it('snapshots what an installation sees without running: criteria, config schema and defaults', () => {
    const snapshot = snapshotAlert(version(3, 'sshd'));
    expect(snapshot).toMatchObject({
      classname: 'AlertSshFailures',
      kind: 'aggregation',
      tags: [],
    });
    expect(snapshot.criteria?.window).toEqual({ minutes: 2 });
    expect(snapshot.configSchema).toBeUndefined();
  });
});

describe('the cross probe', () => {
  it('reports an event alert firing on the suite’s positive cases, never a dead-man alert', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'probe-cross-'));
    const source = (pkg: string) =>
      JSON.stringify(
        pathToFileURL(resolve(dirname(fileURLToPath(import.meta.url)), `../../${pkg}/src/index.ts`))
          .href,
      );
    const module = join(dir, 'others.mjs');
    await writeFile(
      module,
      `import { defineAlert } from ${source('core')};
import { match, search } from ${source('query')};
const base = { description: 'd', severity: 'NOTICE', category: 'c' };
export const sshd = defineAlert({ ...base, name: 'any-sshd',
  criteria: search({ minutes: 5 }).must(match('details.program', 'sshd')), onEvent: () => ({ summary: 'sshd' }) });
export const quiet = defineAlert({ ...base, name: 'quiet-heartbeat',
  criteria: search({ minutes: 5 }).must(match('details.program', 'heartbeat')), onNoEvent: () => ({ summary: 'silent' }) });
`,
    );
    const out = join(dir, 'report.ndjson');
    await crossProbe(version(3, 'sshd'), suite, [{ module: pathToFileURL(module).href }], out);
    const report = JSON.parse((await readFile(out, 'utf8')).trim()) as CrossProbeReport;
    expect(report.positives).toBe(1);
    // any-sshd fires on the positive case; quiet-heartbeat would too (no heartbeat there) but
    // is not run.
    expect(report.overlaps.map((o) => [o.alert, o.case])).toEqual([['any-sshd', 'three alert']]);
  });
});
