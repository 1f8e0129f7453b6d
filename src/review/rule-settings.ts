// Per-rule overrides from the config's `rules:` map (rules.md §1.6).
import type { Config } from '../config/schema.js';
import type { Severity } from './types.js';

export interface RuleSettings {
  enabled: boolean;
  severity?: Severity;
  ignore: string[];
}

export function resolveRuleSettings(config: Config, ruleId: string): RuleSettings {
  const rules = config.rules as Record<string, unknown> | undefined;
  // hasOwn: a rule id such as `constructor` must not read Object.prototype.
  const entry = rules && Object.hasOwn(rules, ruleId) ? rules[ruleId] : undefined;
  if (entry === undefined || entry === 'on') return { enabled: true, ignore: [] };
  if (entry === 'off') return { enabled: false, ignore: [] };
  const object = entry as { enabled?: boolean; severity?: Severity; ignore?: string[] };
  return {
    enabled: object.enabled !== false,
    ...(object.severity ? { severity: object.severity } : {}),
    ignore: object.ignore ?? [],
  };
}
