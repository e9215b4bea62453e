import { Category, defineAlert, pyFormat, pyStr, Severity, z } from '@alertkit/core';
import { anyOf, match, phrase, queryString, range, search } from '@alertkit/query';

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;

const timeOfDay = z
  .string()
  .regex(TIME_OF_DAY, 'must be a UTC time of day as HH:MM:SS (e.g. "03:05:00")');

/** One expected window of the day (MozDef's `start_hour`/`start_minute`/... strings). */
const period = z.object({
  start: timeOfDay.describe(
    "the window's first second (MozDef's start_hour:start_minute:start_second)",
  ),
  end: timeOfDay.describe("the window's last second (MozDef's end_hour:end_minute:end_second)"),
});

/** MozDef's `critical_users.json` as a zod schema, with MozDef's defaults. */
const configSchema = z.object({
  users: z
    .record(z.string(), z.string().min(1, 'must be a non-empty user name'))
    .refine((users) => Object.keys(users).length > 0, 'must name at least one user')
    .default({ username1: 'user1', username2: 'user2' })
    .describe(
      "MozDef's `users`: label -> user name; a session opened for one of these users (a phrase of the summary) counts",
    ),
  scanExpected: z
    .record(z.string(), period)
    .default({ period1: { start: '03:05:00', end: '04:10:00' } })
    .describe(
      "MozDef's `scan_expected`: windows of the day (UTC) in which these sessions are expected (e.g. a nightly scan) and never alert",
    ),
});

/** The alert's config (MozDef's `critical_users.json`): the output of its schema. */
export type SessionOpenedSensitiveUserConfig = z.output<typeof configSchema>;

/** The run's day at a time of day (MozDef's `datetime.now().replace(hour=, minute=, second=)`). */
function todayAt(now: Date, time: string): Date {
  const [hours = 0, minutes = 0, seconds = 0] = time.split(':').map(Number);
  const at = new Date(now.getTime());
  // As Python's replace(): the sub-second part of now is kept.
  at.setUTCHours(hours, minutes, seconds);
  return at;
}

/**
 * An sshd session was opened for a sensitive user (an account listed in the config, e.g. a
 * shared admin or service account) outside the windows of the day in which that is expected
 * (e.g. a nightly scan). One alert per run for all such sessions, naming sample hosts. Port of
 * MozDef's `SessionOpenedUser` (alerts/session_opened_sensitive_user.py).
 *
 * The expected windows are TODAY's (the run's `now`, UTC) only, as MozDef's were: a window that
 * crosses midnight covers nothing, and a session at 03:30 yesterday that is still within the
 * 10-minute search window just after midnight is not excluded.
 */
export const alert = defineAlert({
  name: 'session-opened-sensitive-user',
  classname: 'SessionOpenedUser',
  description: 'An sshd session opened for a sensitive user outside the expected time window',
  severity: Severity.WARNING,
  category: Category.SESSION,
  tags: ['pam', 'syslog'],
  config: configSchema,
  criteria: (config, { now }) =>
    search({ minutes: 10 })
      .must(
        match('category', 'syslog'),
        match('details.program', 'sshd'),
        queryString('summary:"session opened"'),
        anyOf(...Object.values(config.users).map((user) => phrase('summary', user))),
      )
      .mustNot(
        Object.values(config.scanExpected).map(({ start, end }) =>
          range('utctimestamp', todayAt(now, start), todayAt(now, end)),
        ),
      ),
  aggregate: { field: 'details.program', samples: 10, threshold: 1 },
  onAggregation: (group) => {
    const hosts = [...new Set(group.events.map((e) => pyStr(e._source.hostname ?? null)))].sort();
    return {
      summary: pyFormat(
        'Session opened by a sensitive user outside of the expected window - sample hosts: {0} [total {1} hosts]',
        hosts.join(' '),
        group.count,
      ),
    };
  },
});

export default alert;
