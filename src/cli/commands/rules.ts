// `snapshot-doctor rules list` and `rules show <id>`: the rule catalog, and one rule's documentation.
import type { Argv } from 'yargs';
import type { LoadedRule, RuleMeta } from '../../engine/types.js';
import { SnapshotDoctorError } from '../../errors.js';
import type { CommandModule } from './types.js';
import { byCodeUnits } from '../../util/compare.js';

interface RulesArgs {
  rules?: string[];
  format?: string;
}

/** `rules show` of an id that no loaded rule has. */
export class UnknownRuleError extends SnapshotDoctorError {
  constructor(readonly ruleId: string) {
    super(`unknown rule "${ruleId}" (see "snapshot-doctor rules list")`);
  }
}

function listTable(metas: RuleMeta[]): string {
  const rows = [...metas]
    .sort((a, b) => byCodeUnits(a.category, b.category) || byCodeUnits(a.id, b.id))
    .map((m) => [m.id, m.severity, m.category, m.title]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['id', 'severity', 'category'][i]!.length));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ');
  return [line(['id', 'severity', 'category', 'title']), ...rows.map(line), '', `${rows.length} rules`].join('\n') + '\n';
}

function showRule(rule: LoadedRule): string {
  const m = rule.meta;
  const out = [
    `${m.title}`,
    '',
    `id:        ${m.id}`,
    `severity:  ${m.severity} (default)`,
    `category:  ${m.category}`,
    `source:    ${rule.file ?? (rule.origin === 'builtin' ? 'built in (TypeScript)' : rule.origin)}`,
    '',
    m.summary,
    '',
    m.description.trim(),
    '',
    'How to fix it:',
    m.remediation.trim(),
  ];
  if (m.explainedBy?.length) out.push('', `Often explained by: ${m.explainedBy.join(', ')}`);
  if (m.variants?.length) {
    out.push('', 'Messages by Velero version:');
    for (const v of m.variants) out.push(`  ${v.range}: ${v.text}`);
  }
  if (m.docs.length) out.push('', 'Docs:', ...m.docs.map((d) => `  ${d}`));
  return `${out.join('\n')}\n`;
}

/** The flags both subcommands take. */
function catalogOptions(yargs: Argv): Argv {
  return yargs
    .option('rules', { type: 'string', array: true, describe: 'A directory of extra YAML rules (repeatable)' })
    .option('format', { type: 'string', choices: ['text', 'json'], default: 'text' });
}

const listCommand: CommandModule<RulesArgs> = {
  name: 'list',
  describe: 'Every rule: id, severity, category and title',
  builder: catalogOptions,
  async run(args) {
    // The metadata alone: from the compiled catalog, no rule is loaded.
    const { catalogMetas } = await import('../../catalog-meta.js');
    const metas = await catalogMetas(args.rules ?? []);
    process.stdout.write(args.format === 'json' ? `${JSON.stringify(metas, null, 2)}\n` : listTable(metas));
    return 0;
  },
};

const showCommand: CommandModule<RulesArgs & { id: string }> = {
  name: 'show <id>',
  describe: "One rule's documentation",
  missing: 'rules show needs a rule id (see "snapshot-doctor rules list")',
  builder: (yargs) => catalogOptions(yargs).positional('id', { type: 'string', describe: 'The rule id' }),
  async run(args) {
    const { loadCatalog } = await import('../../catalog.js');
    const { rules } = await loadCatalog(args.rules ?? []);
    const rule = rules.find((r) => r.meta.id === args.id);
    if (!rule) throw new UnknownRuleError(args.id);
    process.stdout.write(args.format === 'json' ? `${JSON.stringify(rule.meta, null, 2)}\n` : showRule(rule));
    return 0;
  },
};

export const rulesCommand: CommandModule = {
  name: 'rules',
  describe: 'The rule catalog: "rules list", or "rules show <id>" for one rule\'s documentation',
  missing: 'rules needs a subcommand: "rules list" or "rules show <id>"',
  subcommands: [listCommand, showCommand] as CommandModule<never>[],
};
