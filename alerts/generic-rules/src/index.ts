import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineAlertSet, z } from '@alertkit/core';
import { loadRuleAlerts } from './loadRules.js';

/**
 * The rules bundled with the package (`rules/` next to `src/` and `dist/`): the default
 * `rulesDir`.
 */
export const BUNDLED_RULES_DIR: string = fileURLToPath(new URL('../rules', import.meta.url));

/**
 * MozDef's generic alert loader (`AlertGenericLoader`, alerts/generic_alert_loader.py): one
 * aggregation alert per rule file of `rulesDir`, with classname `AlertGenericLoader:<rule file
 * name>`. A bad rule file is reported with its path and field and skipped; the others run.
 */
export const alertSet = defineAlertSet({
  name: 'generic-rules',
  description:
    "MozDef's generic alert loader: one aggregation alert per rule file of a configured directory",
  config: z.object({
    rulesDir: z
      .string()
      .min(1)
      .default(BUNDLED_RULES_DIR)
      .describe(
        "The directory of rule files (*.json / *.hjson, MozDef's <alert_data_location>/rules), relative to the installation file; default the package's bundled examples.",
      ),
  }),
  load: (config, { log, baseDir }) =>
    loadRuleAlerts(
      isAbsolute(config.rulesDir) ? config.rulesDir : resolve(baseDir, config.rulesDir),
      log,
    ),
});

export default alertSet;

export { LOADER_CLASSNAME, ruleAlert, ruleAlertName, ruleSummary } from './ruleAlert.js';
export type { LoadedRule } from './ruleAlert.js';
export { loadRuleAlerts, readRuleFile, RuleFileError } from './loadRules.js';
export type { RuleIssue } from './loadRules.js';
export { RULE_KEYS, ruleSchema } from './ruleSchema.js';
export type { GenericRule } from './ruleSchema.js';
