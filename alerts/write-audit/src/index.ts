import { Category, defineAlert, pyFormat, pyStr, Severity, z } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

const names = (what: string) =>
  z.array(z.string().refine((name) => name.trim() !== '', `must be a non-empty ${what}`));

/** MozDef's `write_audit.conf` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  skipProcess: names('process name')
    // MozDef's `skipprocess = process1 process2` (whitespace-separated there).
    .default(['process1', 'process2'])
    .describe(
      "MozDef's `skipprocess`: writes by these processes (`details.processname`, exact) never count",
    ),
  expectedUsers: names('user name')
    // MozDef's `expectedusers = user1 user2` (space-separated there).
    .default(['user1', 'user2'])
    .describe(
      "MozDef's `expectedusers`: original users whose writes are expected; their alerts are NOTICE instead of WARNING",
    ),
});

/** The alert's config (MozDef's `write_audit.conf`): the output of its schema. */
export type WriteAuditConfig = z.output<typeof configSchema>;

/** Distinct values, sorted (MozDef joined Python sets, whose order is unspecified). */
const distinctSorted = (values: readonly string[]): string[] => [...new Set(values)].sort();

/**
 * Files that auditd watches (its `audit` key: the audit configuration itself, e.g.
 * `/etc/audit/plugins.d/…`) were written at least twice by one original (login) user within 15
 * minutes: someone is changing what the host audits. Expected administrators get NOTICE instead
 * of WARNING. Port of MozDef's `WriteAudit` (alerts/write_audit.py).
 *
 * Two deliberate differences, both about what MozDef crashed on: an event without
 * `details.user`, or whose summary has no second word (the path), adds nothing to the users or
 * paths lists (MozDef raised a KeyError, TypeError or IndexError that aborted the run), and the
 * lists are sorted (MozDef joined Python sets, whose order is unspecified).
 */
export const alert = defineAlert({
  name: 'write-audit',
  classname: 'WriteAudit',
  description: 'At least 2 writes to auditd-watched paths by one original user within 15 minutes',
  severity: Severity.WARNING,
  category: Category.WRITE,
  tags: ['audit'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: 15 })
      .must(match('category', 'write'), match('details.auditkey', 'audit'))
      .mustNot(config.skipProcess.map((name) => phrase('details.processname', name))),
  aggregate: { field: 'details.originaluser', samples: 10, threshold: 2 },
  onAggregation: (group, { config, helpers }) => {
    const users: string[] = [];
    const paths: string[] = [];
    for (const { _source } of group.events) {
      const user = helpers.valueByPath(_source, 'details.user');
      if (user !== undefined && user !== null) users.push(pyStr(user));
      // Python's summary.split(' ')[1]: the second space-separated word.
      const path = typeof _source.summary === 'string' ? _source.summary.split(' ')[1] : undefined;
      if (path !== undefined) paths.push(path);
    }
    let summary = pyFormat(
      '{0} Filesystem write(s) to an auditd path ({1}) by {2} ({3})',
      group.count,
      distinctSorted(paths).join(', '),
      distinctSorted(users).join(', '),
      group.value,
    );
    // More than one host: name the 5 most written-to (count descending, ties first seen).
    const hostnames = helpers.mostCommon(group.allEvents, '_source.hostname');
    if (hostnames.length > 1) {
      for (const { value, count } of hostnames.slice(0, 5))
        summary += pyFormat(' on {0} ({1} hosts)', value, count);
    }
    const expected = typeof group.value === 'string' && config.expectedUsers.includes(group.value);
    return { summary, ...(expected ? { severity: Severity.NOTICE } : {}) };
  },
});

export default alert;
