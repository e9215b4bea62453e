import { parseDuration } from './duration.js';

/** When an alert runs: every N (`'1m'`, `'30s'`) or a cron expression, evaluated in UTC. */
export type Schedule = { every: string; cron?: never } | { cron: string; every?: never };

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as in Vixie cron and croner.
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];
const SECONDS: CronField = { name: 'second', min: 0, max: 59 };

/**
 * Why a schedule is not valid, or `undefined` when it is. Intervals use duration syntax
 * (`30s`, `1m`, `1h30m`) and must be longer than zero; cron expressions have five fields
 * (minute hour day-of-month month day-of-week) or six (seconds first), each `*`, a number, a
 * range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of those; months and days may be named.
 */
export function scheduleProblem(schedule: unknown): string | undefined {
  if (schedule === null || typeof schedule !== 'object') return 'schedule must be { every: "1m" } or { cron: "*/5 * * * *" }';
  const keys = Object.keys(schedule).filter((key) => (schedule as Record<string, unknown>)[key] !== undefined);
  if (keys.length !== 1 || (keys[0] !== 'every' && keys[0] !== 'cron')) {
    return `schedule must have exactly one of "every" or "cron", got ${JSON.stringify(keys)}`;
  }
  const value: unknown = (schedule as Record<string, unknown>)[keys[0]];
  if (typeof value !== 'string') return `schedule.${keys[0]} must be a string`;
  if (keys[0] === 'every') {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch {
      return `schedule.every: not a duration: "${value}" (expected e.g. 30s, 1m, 1h30m)`;
    }
    return ms > 0 ? undefined : `schedule.every must be longer than zero, got "${value}"`;
  }
  return cronProblem(value);
}

function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    return `schedule.cron "${expression}" must have 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got ${parts.length}`;
  }
  const fields = parts.length === 6 ? [SECONDS, ...FIELDS] : FIELDS;
  for (const [index, part] of parts.entries()) {
    const field = fields[index] as CronField;
    for (const item of part.split(',')) {
      const problem = cronItemProblem(item, field);
      if (problem) return `schedule.cron "${expression}": ${field.name} field "${part}": ${problem}`;
    }
  }
  return undefined;
}

function cronItemProblem(item: string, field: CronField): string | undefined {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined) return `more than one "/" in "${item}"`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `step "${step}" must be a positive integer`;
  if (range === '*' || (range === '?' && field.name.startsWith('day'))) return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `bad range "${range}"`;
  const values: number[] = [];
  for (const bound of bounds) {
    const value = cronValue(bound, field);
    if (value === undefined) return `"${bound}" is not a ${field.name} (${field.min}-${field.max}${field.names ? ' or a name' : ''})`;
    values.push(value);
  }
  const [from = 0, to = from] = values;
  if (from > to) return `range "${range}" runs backwards`;
  return undefined;
}

function cronValue(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return field.names === MONTHS ? named + 1 : named;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
