// @ts-check
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The `alert` generator. Interactive (`pnpm plop alert`) or with the nine answers as arguments,
 * in prompt order, `-` meaning "none / the default":
 *   pnpm plop alert <name> <description> <kind> <severity> <category> <tags> <window-minutes>
 *                   <aggregation-field|-> <threshold|->
 * Every check sits in a prompt's `validate` (plop runs them on bypassed values before any
 * action), so bad input writes nothing and exits 1. No prompt has a `when`: plop cannot bypass
 * a conditional prompt.
 */

const KINDS = ['event', 'aggregation', 'deadman'];
const SEVERITIES = ['INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'];
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const FIELD = /^[A-Za-z_@][\w@-]*(?:\.[\w@-]+)*$/;
const NONE = '-';

/** @param {string} value */
const none = (value) => value.trim() === '' || value.trim() === NONE;

/**
 * The kind as answered so far. Inquirer passes the answers to `validate`; plop's bypass does not,
 * so fall back to the kind given on the command line (the third positional argument).
 * @param {Record<string, unknown> | undefined} answers
 */
function kindOf(answers) {
  if (answers && typeof answers.kind === 'string') return answers.kind.trim();
  const args = process.argv
    .slice(process.argv.indexOf('alert') + 1)
    .filter((a) => !a.startsWith('--'));
  return (args[2] ?? '').trim();
}

/** @param {string} name */
const classnameOf = (name) =>
  'Alert' +
  name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/** Text inside a single-quoted JavaScript string. @param {string} text */
const jsString = (text) =>
  text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, '\\n');

/** Text inside a JSON string. @param {string} text */
const jsonString = (text) => JSON.stringify(text).slice(1, -1);

/** @param {import('plop').NodePlopAPI} plop */
export default function (plop) {
  const root = plop.getDestBasePath();

  plop.setHelper('js', jsString);
  plop.setHelper('jsonText', jsonString);
  plop.setHelper('json', (/** @type {unknown} */ value) => JSON.stringify(value));
  // MozDef's 5 samples, or the threshold when higher: an alert carries every event that made it
  // fire (the pitfall lint's samples-below-threshold rule).
  plop.setHelper('samples', (/** @type {unknown} */ threshold) => Math.max(5, Number(threshold)));

  plop.setActionType('pnpm install', () => {
    // Under CI=true a bare install is frozen and would leave the new package unlinked.
    execFileSync('pnpm', ['install', '--no-frozen-lockfile', '--prefer-offline'], {
      cwd: root,
      stdio: 'inherit',
    });
    return 'linked the new package (pnpm install --no-frozen-lockfile)';
  });

  plop.setGenerator('alert', {
    description: 'a new alert package in alerts/<name> (package alert-<name>) with its test',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'name (kebab-case, without the alert- prefix):',
        filter: (/** @type {string} */ v) => v.trim(),
        validate: (/** @type {string} */ v) => {
          const name = v.trim();
          if (name === '' || name === NONE) return 'name is required';
          if (name.startsWith('alert-'))
            return `name must not start with "alert-" (the package is named alert-<name>), got "${name}"`;
          if (!KEBAB.test(name))
            return `name must be kebab-case (lower-case words joined by -), got "${name}"`;
          if (existsSync(join(root, 'alerts', name))) return `alerts/${name} already exists`;
          return true;
        },
      },
      {
        type: 'input',
        name: 'description',
        message: 'description (one sentence: what it detects):',
        filter: (/** @type {string} */ v) => v.trim(),
        validate: (/** @type {string} */ v) => (none(v) ? 'description is required' : true),
      },
      {
        type: 'input',
        name: 'kind',
        message: `kind (${KINDS.join(' | ')}):`,
        filter: (/** @type {string} */ v) => v.trim(),
        validate: (/** @type {string} */ v) =>
          KINDS.includes(v.trim()) ? true : `kind must be one of ${KINDS.join(', ')}, got "${v}"`,
      },
      {
        type: 'input',
        name: 'severity',
        message: `severity (${SEVERITIES.join(', ')}; - for NOTICE):`,
        default: 'NOTICE',
        filter: (/** @type {string} */ v) => (none(v) ? 'NOTICE' : v.trim()),
        validate: (/** @type {string} */ v) =>
          none(v) || SEVERITIES.includes(v.trim())
            ? true
            : `severity must be one of ${SEVERITIES.join(', ')}, got "${v}"`,
      },
      {
        type: 'input',
        name: 'category',
        message: 'category (- for misc):',
        default: 'misc',
        filter: (/** @type {string} */ v) => (none(v) ? 'misc' : v.trim()),
      },
      {
        type: 'input',
        name: 'tags',
        message: 'tags (comma-separated; - for none):',
        default: NONE,
        filter: (/** @type {string} */ v) =>
          none(v)
            ? []
            : v
                .split(',')
                .map((t) => t.trim())
                .filter((t) => t !== ''),
      },
      {
        type: 'input',
        name: 'window',
        message: 'time window in minutes (- for 5):',
        default: '5',
        filter: (/** @type {string} */ v) => (none(v) ? 5 : Number(v.trim())),
        validate: (/** @type {string} */ v) =>
          none(v) || /^[1-9]\d*$/.test(v.trim())
            ? true
            : `window-minutes must be a positive integer, got "${v}"`,
      },
      {
        type: 'input',
        name: 'field',
        message: 'aggregation field, a dotted path (aggregation alerts only; - for none):',
        default: NONE,
        filter: (/** @type {string} */ v) => (none(v) ? '' : v.trim()),
        validate: (/** @type {string} */ v, /** @type {Record<string, unknown>} */ answers) => {
          const aggregation = kindOf(answers) === 'aggregation';
          if (none(v))
            return aggregation ? 'an aggregation alert needs an aggregation field' : true;
          if (!aggregation)
            return `aggregation-field is only for aggregation alerts (use -), got "${v}"`;
          return FIELD.test(v.trim())
            ? true
            : `aggregation-field must be a dotted field path such as details.sourceipaddress, got "${v}"`;
        },
      },
      {
        type: 'input',
        name: 'threshold',
        message: 'threshold: events per group to alert (aggregation alerts only; - for none):',
        default: NONE,
        filter: (/** @type {string} */ v) => (none(v) ? 0 : Number(v.trim())),
        validate: (/** @type {string} */ v, /** @type {Record<string, unknown>} */ answers) => {
          const aggregation = kindOf(answers) === 'aggregation';
          if (none(v)) return aggregation ? 'an aggregation alert needs a threshold' : true;
          if (!aggregation) return `threshold is only for aggregation alerts (use -), got "${v}"`;
          return /^[1-9]\d*$/.test(v.trim())
            ? true
            : `threshold must be a positive integer, got "${v}"`;
        },
      },
    ],
    actions: (answers) => {
      const data = /** @type {Record<string, unknown>} */ (answers);
      data.classname = classnameOf(String(data.name));
      data.isEvent = data.kind === 'event';
      data.isAggregation = data.kind === 'aggregation';
      data.isDeadman = data.kind === 'deadman';
      return [
        {
          type: 'addMany',
          destination: 'alerts/{{name}}',
          base: 'templates/alert',
          templateFiles: 'templates/alert/**/*',
          globOptions: { dot: true },
          stripExtensions: ['hbs'],
          abortOnFail: true,
        },
        { type: 'pnpm install' },
      ];
    },
  });
}
