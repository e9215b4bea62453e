/**
 * What a change to an alert means for the installations that run it: the semver bump it needs.
 * major: an installation can miss alerts it used to get, or its config or the shape its
 * consumers read breaks. minor: it can only get more alerts or more optional config. patch:
 * wording, docs, refactors with identical answers on every case.
 */
import { durationToMs, type Clause, type Criteria } from '@alertkit/core';
import { createTicker } from '@alertkit/runner';
import type { AlertSnapshot, DiffProbeReport } from '@alertkit/harness';

/** A semver bump; `none` only when nothing at all differs. */
export type Bump = 'major' | 'minor' | 'patch';

/** One difference and the bump it needs. */
export interface Finding {
  bump: Bump;
  what: string;
}

/** The outcome of a diff. */
export interface DiffResult {
  bump: Bump;
  findings: Finding[];
}

const RANK: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };

/** The larger of two bumps. */
export function maxBump(a: Bump, b: Bump): Bump {
  return RANK[a] >= RANK[b] ? a : b;
}

/** True when `given` is at least `needed`. */
export function bumpCovers(given: Bump, needed: Bump): boolean {
  return RANK[given] >= RANK[needed];
}

const show = (value: unknown): string => JSON.stringify(value);

function windowMs(criteria: Criteria | undefined): number | undefined {
  return criteria?.window ? durationToMs(criteria.window) : undefined;
}

function describeWindow(criteria: Criteria | undefined): string {
  return criteria?.window
    ? Object.entries(criteria.window)
        .map(([unit, n]) => `${String(n)} ${unit}`)
        .join(' ')
    : 'none';
}

/** Average interval of a schedule over its next ticks (every and cron alike). */
function intervalMs(schedule: unknown): number | undefined {
  try {
    const ticker = createTicker(schedule as Parameters<typeof createTicker>[0]);
    let at = new Date('2026-01-05T00:00:00Z');
    const start = at.getTime();
    for (let i = 0; i < 10; i++) at = ticker.next(at);
    return (at.getTime() - start) / 10;
  } catch {
    return undefined;
  }
}

/** Canonical JSON (sorted keys) of a clause, to compare clause lists as multisets. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .filter(([, x]) => x !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, sort(x)]),
          )
        : v;
  return JSON.stringify(sort(value));
}

function describeClause(clause: Clause): string {
  const { type, ...rest } = clause as Clause & Record<string, unknown>;
  return `${type} ${show(rest)}`;
}

const ROLES = [
  { key: 'must', name: 'must', added: 'major', removed: 'minor', why: ['stricter', 'looser'] },
  { key: 'filter', name: 'filter', added: 'major', removed: 'minor', why: ['stricter', 'looser'] },
  {
    key: 'mustNot',
    name: 'must_not',
    added: 'major',
    removed: 'minor',
    why: ['stricter', 'looser'],
  },
  { key: 'should', name: 'should', added: 'minor', removed: 'major', why: ['looser', 'stricter'] },
] as const;

/** Clause by clause, top-level lists of the two criteria. */
function compareClauses(current: Criteria, base: Criteria, findings: Finding[]): void {
  for (const role of ROLES) {
    const now = (current.query[role.key] ?? []).map((c) => ({ c, key: canonical(c) }));
    const before = (base.query[role.key] ?? []).map((c) => ({ c, key: canonical(c) }));
    const beforeKeys = before.map((b) => b.key);
    const nowKeys = now.map((n) => n.key);
    for (const { c, key } of now)
      if (!beforeKeys.includes(key))
        findings.push({
          bump: role.added,
          what: `criteria: ${role.name} clause added: ${describeClause(c)} (${role.why[0]}: can ${role.added === 'major' ? 'lose' : 'add'} alerts)`,
        });
    for (const { c, key } of before)
      if (!nowKeys.includes(key))
        findings.push({
          bump: role.removed,
          what: `criteria: ${role.name} clause removed: ${describeClause(c)} (${role.why[1]}: can ${role.removed === 'major' ? 'lose' : 'add'} alerts)`,
        });
  }
  if (current.query.minimumShouldMatch !== base.query.minimumShouldMatch)
    findings.push({
      bump: 'major',
      what: `criteria: minimum_should_match ${show(base.query.minimumShouldMatch)} → ${show(current.query.minimumShouldMatch)}`,
    });
}

function compareSnapshots(current: AlertSnapshot, base: AlertSnapshot, findings: Finding[]): void {
  const major = (what: string) => findings.push({ bump: 'major', what });
  const minor = (what: string) => findings.push({ bump: 'minor', what });
  if (current.classname !== base.classname)
    major(
      `classname ${show(base.classname)} → ${show(current.classname)} (consumers and de-duplication key on it)`,
    );
  if (current.category !== base.category)
    major(`category ${show(base.category)} → ${show(current.category)} (consumers route on it)`);
  if (current.kind !== base.kind) major(`kind ${base.kind} → ${current.kind}`);
  if (current.severity !== base.severity) minor(`severity ${base.severity} → ${current.severity}`);
  const removedTags = base.tags.filter((t) => !current.tags.includes(t));
  const addedTags = current.tags.filter((t) => !base.tags.includes(t));
  if (removedTags.length > 0) major(`tags removed: ${removedTags.join(', ')}`);
  if (addedTags.length > 0) minor(`tags added: ${addedTags.join(', ')}`);

  const [every, everyBefore] = [intervalMs(current.schedule), intervalMs(base.schedule)];
  if (canonical(current.schedule) !== canonical(base.schedule)) {
    const what = `schedule ${show(base.schedule)} → ${show(current.schedule)}`;
    if (every !== undefined && everyBefore !== undefined && every > everyBefore)
      major(`${what} (runs less often: alerts come later, events can fall between runs)`);
    else minor(what);
  }

  if (current.criteriaError !== undefined || base.criteriaError !== undefined) {
    if (current.criteriaError !== undefined)
      major(`criteria cannot be built with the default config: ${current.criteriaError}`);
    return;
  }
  const [now, before] = [current.criteria, base.criteria];
  if (!now || !before) return;
  const [w, wBefore] = [windowMs(now), windowMs(before)];
  if (w !== wBefore) {
    const what = `window ${describeWindow(before)} → ${describeWindow(now)}`;
    if (w === undefined || (wBefore !== undefined && w > wBefore))
      minor(`${what} (longer: can add alerts)`);
    else major(`${what} (shorter: events the base saw are missed)`);
  }
  const [agg, aggBefore] = [now.aggregation, before.aggregation];
  if (agg && aggBefore) {
    if (agg.field !== aggBefore.field)
      major(`aggregation field ${aggBefore.field} → ${agg.field} (other groups)`);
    if (agg.threshold > aggBefore.threshold)
      major(
        `threshold ${aggBefore.threshold} → ${agg.threshold} (higher: groups the base alerted on are missed)`,
      );
    if (agg.threshold < aggBefore.threshold)
      minor(`threshold ${aggBefore.threshold} → ${agg.threshold} (lower: can add alerts)`);
    if (agg.samples < aggBefore.samples)
      major(`samples ${aggBefore.samples} → ${agg.samples} (alerts carry fewer events)`);
    if (agg.samples > aggBefore.samples) minor(`samples ${aggBefore.samples} → ${agg.samples}`);
  }
  compareClauses(now, before, findings);
}

interface JsonSchemaObject {
  properties?: Record<string, { type?: unknown; default?: unknown }>;
  required?: string[];
}

function compareConfig(current: AlertSnapshot, base: AlertSnapshot, findings: Finding[]): void {
  const now = (current.configSchema ?? {}) as JsonSchemaObject;
  const before = (base.configSchema ?? {}) as JsonSchemaObject;
  const keys = Object.keys(now.properties ?? {});
  const keysBefore = Object.keys(before.properties ?? {});
  for (const key of keysBefore.filter((k) => !keys.includes(k)))
    findings.push({
      bump: 'major',
      what: `config key ${key} removed or renamed (an installation that sets it no longer validates)`,
    });
  for (const key of keys.filter((k) => !keysBefore.includes(k))) {
    const required =
      (now.required ?? []).includes(key) && now.properties?.[key]?.default === undefined;
    findings.push(
      required
        ? {
            bump: 'major',
            what: `config key ${key} added and required (existing installations lack it)`,
          }
        : { bump: 'minor', what: `config key ${key} added (optional)` },
    );
  }
  for (const key of keys.filter((k) => keysBefore.includes(k))) {
    const [a, b] = [now.properties?.[key], before.properties?.[key]];
    if (canonical(a?.type) !== canonical(b?.type))
      findings.push({
        bump: 'major',
        what: `config key ${key}: type ${show(b?.type)} → ${show(a?.type)}`,
      });
  }
  const defaults = (current.configDefaults ?? {}) as Record<string, unknown>;
  const defaultsBefore = (base.configDefaults ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(defaults).filter((k) => k in defaultsBefore)) {
    if (canonical(defaults[key]) !== canonical(defaultsBefore[key]))
      findings.push({
        bump: 'minor',
        what: `config default ${key}: ${show(defaultsBefore[key])} → ${show(defaults[key])} (the cases below say what it does)`,
      });
  }
}

/** Fields of alert documents that are the same on every run, for the shape comparison. */
const VOLATILE = new Set(['utctimestamp', 'events']);

function compareCases(report: DiffProbeReport, findings: Finding[]): void {
  for (const c of report.cases) {
    const [now, before] = [c.current.alerts.length, c.base.alerts.length];
    if (c.current.error !== undefined && c.base.error === undefined)
      findings.push({
        bump: 'major',
        what: `case "${c.description}": the run fails now: ${c.current.error}`,
      });
    if (now < before)
      findings.push({
        bump: 'major',
        what: `case "${c.description}" (${c.kind}): ${before} alert(s) before, ${now} now (an installation misses alerts)`,
      });
    if (now > before)
      findings.push({
        bump: 'minor',
        what: `case "${c.description}" (${c.kind}): ${before} alert(s) before, ${now} now`,
      });
    for (const [i, doc] of c.current.alerts.entries()) {
      const old = c.base.alerts[i];
      if (!old) continue;
      const removed = Object.keys(old).filter((k) => !(k in doc));
      const added = Object.keys(doc).filter((k) => !(k in old));
      if (removed.length > 0)
        findings.push({
          bump: 'major',
          what: `case "${c.description}": alert fields removed: ${removed.join(', ')}`,
        });
      if (added.length > 0)
        findings.push({
          bump: 'minor',
          what: `case "${c.description}": alert fields added: ${added.join(', ')}`,
        });
      for (const key of Object.keys(doc).filter((k) => k in old && !VOLATILE.has(k))) {
        if (canonical(doc[key]) === canonical(old[key])) continue;
        if (key === 'summary')
          findings.push({
            bump: 'patch',
            what: `case "${c.description}": summary ${show(old[key])} → ${show(doc[key])}`,
          });
        else if (!['classname', 'category', 'severity', 'tags'].includes(key))
          findings.push({
            bump: 'minor',
            what: `case "${c.description}": alert ${key} ${show(old[key])} → ${show(doc[key])}`,
          });
      }
      if (canonical(doc['events']) !== canonical(old['events']))
        findings.push({
          bump: 'minor',
          what: `case "${c.description}": the alert carries other events`,
        });
    }
  }
  for (const g of report.generated) {
    if (g.current === g.base) continue;
    findings.push({
      bump: g.current < g.base ? 'major' : 'minor',
      what: `generated events (${g.field} = ${show(g.value)} from ${g.clause}, over case "${g.from}"): ${g.base} alert(s) before, ${g.current} now`,
    });
  }
}

/** Classifies a probe report (one per suite of the test file; the first carries the snapshots). */
export function classify(reports: readonly DiffProbeReport[]): DiffResult {
  const findings: Finding[] = [];
  const [first] = reports;
  if (first) {
    compareSnapshots(first.current, first.base, findings);
    compareConfig(first.current, first.base, findings);
  }
  for (const report of reports) compareCases(report, findings);
  const seen = new Set<string>();
  const unique = findings.filter((f) => !seen.has(f.what) && seen.add(f.what));
  const bump = unique.reduce<Bump>((b, f) => maxBump(b, f.bump), 'patch');
  const order = (f: Finding) => -RANK[f.bump];
  return { bump, findings: unique.sort((a, b) => order(a) - order(b)) };
}
