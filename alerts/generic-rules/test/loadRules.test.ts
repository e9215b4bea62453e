import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlertkitError, type StoredEvent } from '@alertkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_RULES_DIR, readRuleFile, ruleSummary, type GenericRule } from '../src/index.js';
import { loadSet } from './rules.js';

const GOOD = {
  search_string: 'summary:"failed password"',
  filters: [['details.program', 'sshd']],
  aggregation_key: 'details.sourceipaddress',
  time_window: 5,
  num_samples: 3,
  num_aggregations: 10,
  alert_category: 'bruteforce',
  alert_tags: ['ssh'],
  alert_severity: 'NOTICE',
  alert_summary: 'SSH failures',
  alert_url: 'https://example.org/runbook',
};

let root: string;
let rules: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'generic-rules-'));
  rules = join(root, 'rules');
  await mkdir(rules);
  const write = (name: string, body: unknown) =>
    writeFile(join(rules, name), typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  await write('ssh_failures.json', GOOD);
  // MozDef reads the numbers with int(): strings of digits are accepted.
  await write('numbers_as_text.json', { ...GOOD, time_window: '15', num_aggregations: '2' });
  await write('broken.json', '{\n  "search_string": "a",\n  "filters": [[ }\n');
  await write('no_summary.json', { ...GOOD, alert_summary: undefined });
  await write('bad_window.json', { ...GOOD, time_window: 'ten' });
  await write('bad_severity.json', { ...GOOD, alert_severity: 'LOUD' });
  await write('bad_filter.json', { ...GOOD, filters: [['details.program']] });
  await write('only_search.json', { search_string: 'x' });
  await write('with_typo.json', { ...GOOD, aditional_summary_fields: ['details.username'] });
  await write('a list.hjson', '[1, 2]');
  await write('ssh-failures.json', GOOD); // the same alert name as ssh_failures.json
  await write('README.md', '# not a rule');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loading a rules directory', () => {
  it('loads the good files and reports each bad one with its path and field', async () => {
    const { alerts, log } = await loadSet({ rulesDir: rules });
    expect(alerts.map((a) => [a.name, a.classname])).toEqual([
      ['generic-rules-numbers-as-text', 'AlertGenericLoader:numbers_as_text'],
      ['generic-rules-ssh-failures', 'AlertGenericLoader:ssh-failures'],
      ['generic-rules-with-typo', 'AlertGenericLoader:with_typo'],
    ]);
    const errors = log.filter((l) => l.level === 'error');
    expect(errors.map((l) => [l.details['file'], l.details['field']])).toEqual([
      [join(rules, 'a list.hjson'), ''],
      [join(rules, 'bad_filter.json'), 'filters.0'],
      [join(rules, 'bad_severity.json'), 'alert_severity'],
      [join(rules, 'bad_window.json'), 'time_window'],
      [join(rules, 'broken.json'), ''],
      [join(rules, 'no_summary.json'), 'alert_summary'],
      [join(rules, 'only_search.json'), 'filters'],
      [join(rules, 'ssh_failures.json'), ''],
    ]);
    const message = (file: string) =>
      errors.find((l) => l.details['file'] === join(rules, file))?.message;
    expect(message('no_summary.json')).toBe(
      `skipped rule file ${join(rules, 'no_summary.json')}: alert_summary: required`,
    );
    expect(message('only_search.json')).toContain(
      'filters: required; aggregation_key: required; time_window: required; num_samples: required',
    );
    expect(message('only_search.json')).toContain('alert_severity: required');
    expect(message('bad_window.json')).toContain('time_window: expected a whole number');
    expect(message('broken.json')).toMatch(/: not valid hjson: .*line 3/);
    expect(message('a list.hjson')).toContain('a rule file holds one object');
    expect(message('ssh_failures.json')).toContain(
      `its alert name "generic-rules-ssh-failures" is taken by ${join(rules, 'ssh-failures.json')}`,
    );
    expect(log.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({
        details: { file: join(rules, 'with_typo.json'), field: 'aditional_summary_fields' },
      }),
    ]);
  });

  it('takes the numbers MozDef takes with int() as numbers', async () => {
    const { alerts } = await loadSet({ rulesDir: rules });
    const alert = alerts.find((a) => a.name === 'generic-rules-numbers-as-text');
    expect(alert?.aggregate).toEqual({
      field: 'details.sourceipaddress',
      threshold: 2,
      samples: 3,
    });
    expect(typeof alert?.criteria === 'object' && 'build' in alert.criteria).toBe(true);
  });

  it('resolves a relative rulesDir from the installation directory', async () => {
    const { alerts } = await loadSet({ rulesDir: 'rules' }, root);
    expect(alerts).toHaveLength(3);
  });

  it('by default loads the two bundled example rules', async () => {
    const { alerts, log } = await loadSet();
    expect(BUNDLED_RULES_DIR).toMatch(/generic-rules[/\\]rules$/);
    expect(alerts.map((a) => a.classname)).toEqual([
      'AlertGenericLoader:aws_console_login_failures',
      'AlertGenericLoader:sudo_auth_failures',
    ]);
    expect(log).toEqual([]);
  });

  it('refuses a rulesDir that is not a directory, naming it', async () => {
    const missing = join(root, 'nowhere');
    const error = await loadSet({ rulesDir: missing }).catch((e: unknown) => e);
    expect(isAlertkitError(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toContain(`rulesDir: ${missing} cannot be read`);
  });

  it('refuses an unknown config key', async () => {
    await expect(loadSet({ rulesdir: rules })).rejects.toThrow(
      'alert "generic-rules": invalid config: rulesdir: unknown key',
    );
  });

  it('reads hjson: comments, quoteless keys and strings, no commas', async () => {
    const file = join(root, 'hjson_rule.hjson');
    await writeFile(
      file,
      [
        '# a comment',
        '{',
        '  search_string: details.program:sshd',
        '  filters: []',
        '  aggregation_key: hostname',
        '  time_window: 5, num_samples: 1, num_aggregations: 1 // trailing comment',
        '  alert_category: c',
        '  alert_tags: []',
        '  alert_severity: INFO',
        '  alert_summary: a rule in hjson',
        "  alert_url: ''",
        '}',
      ].join('\n'),
    );
    const loaded = await readRuleFile(file);
    expect(loaded.name).toBe('hjson_rule');
    expect(loaded.rule).toMatchObject({
      search_string: 'details.program:sshd',
      aggregation_key: 'hostname',
      alert_summary: 'a rule in hjson',
      alert_url: '',
    });
  });
});

describe('the summary', () => {
  const rule = {
    ...GOOD,
    filters: [],
    alert_severity: 'NOTICE',
    additional_summary_fields: ['details.port', 'details.user', 'details.obj', 'details.none'],
  } as unknown as GenericRule;
  const stored = (source: Record<string, unknown>, id: string): StoredEvent =>
    ({ _index: 'events', _id: id, _source: source }) as unknown as StoredEvent;

  it('writes numbers as Python does, skips objects and false values, keeps an empty hostname', () => {
    const events = [
      stored({ hostname: 'h1', details: { port: 22, user: 'u', obj: { a: 1 }, none: 0 } }, '1'),
      stored({ hostname: '', details: { port: 22.5, user: false } }, '2'),
      stored({ details: { port: 22, user: 'v' } }, '3'),
    ];
    expect(ruleSummary(rule, { value: '10.0.0.1', count: 12, events, allEvents: events })).toBe(
      'SSH failures (12): 10.0.0.1 (details.port=22, 22.5) (details.user=u, v) [h1, ]',
    );
  });

  it('writes a boolean group value as Python does', () => {
    const events = [stored({ details: {} }, '1')];
    expect(ruleSummary(rule, { value: true, count: 1, events, allEvents: events })).toBe(
      'SSH failures (1): True',
    );
  });
});
