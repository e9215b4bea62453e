import { Category, defineAlert, isoformat, Severity } from '@alertkit/core';
import { lessThan, search } from '@alertkit/query';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Events received in the last 6 hours whose own `utctimestamp` is more than a day old: a
 * shipper replaying a backlog, a host with a wrong clock or a parser reading the wrong date
 * field. One alert per MozDef front end (`mozdefhostname`) that took them in. Port of MozDef's
 * `OldEvents` (alerts/old_events.py).
 */
export const alert = defineAlert({
  name: 'old-events',
  classname: 'OldEvents',
  description: 'Events arriving with a utctimestamp more than a day old (a pipeline problem)',
  severity: Severity.ERROR,
  category: Category.MAINTENANCE,
  tags: ['pipeline'],
  // The window (utctimestamp OR receivedtimestamp in the last 6 hours) can only be met by
  // receivedtimestamp once utctimestamp is older than a day. The bound is MozDef's string,
  // `(now - 1 day).isoformat()`, and strict.
  criteria: (_config, { now }) =>
    search({ hours: 6 }).must(
      lessThan('utctimestamp', isoformat(new Date(now.getTime() - DAY_MS))),
    ),
  aggregate: { field: 'mozdefhostname', samples: 1000, threshold: 1 },
  onAggregation: (group) => ({
    summary: `Events have an outdated utctimestamp (${group.count})`,
  }),
});

export default alert;
