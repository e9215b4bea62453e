import { Category, defineAlert, pyFormat, pyStr, Severity, z } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

/** MozDef's `trace_audit.conf` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  hostFilter: z
    .array(z.string().refine((host) => host.trim() !== '', 'must be a non-empty host name'))
    // MozDef's `hostfilter = example.hostname.com` (whitespace-separated there).
    .default(['example.hostname.com'])
    .describe(
      "MozDef's `hostfilter`: hosts where tracing is expected; their events never count (exact hostname)",
    ),
});

/** The alert's config (MozDef's `trace_audit.conf`): the output of its schema. */
export type TraceAuditConfig = z.output<typeof configSchema>;

/**
 * Someone ran strace (or another ptrace user auditd reports as `strace`): tracing a process
 * reads its memory and syscalls, secrets included, so outside the hosts where it is expected it
 * is worth a look. One alert per original (login) user. Port of MozDef's `TraceAudit`
 * (alerts/trace_audit.py).
 *
 * The summary lists the hosts of the sampled events. MozDef joined a Python `set`, whose order is
 * unspecified; the port sorts them (semantics §8.23), which is the same text for one host.
 */
export const alert = defineAlert({
  name: 'trace-audit',
  classname: 'TraceAudit',
  description: 'A user ran strace/ptrace on a host where tracing is not expected (auditd)',
  severity: Severity.WARNING,
  category: Category.TRACE,
  tags: ['audit'],
  config: configSchema,
  criteria: (config) =>
    search({ minutes: 5 })
      .must(match('details.processname', 'strace'))
      .mustNot(config.hostFilter.map((host) => phrase('hostname', host))),
  aggregate: { field: 'details.originaluser', samples: 10, threshold: 1 },
  onAggregation: (group) => {
    const hosts = [...new Set(group.events.map((e) => pyStr(e._source.hostname ?? null)))].sort();
    return {
      summary: pyFormat(
        '{0} instances of Strace or Ptrace executed by {1} on {2}',
        group.count,
        group.value,
        hosts.join(','),
      ),
    };
  },
});

export default alert;
