// `snapshot-doctor rules list` and `rules show <id>`: the rule catalog, and one rule's documentation.
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { closestNames } from '../../util/closest.js';
import { wantColor } from '../io.js';
import type { CommandModule } from './types.js';

interface RulesArgs {
  rules?: string[];
  format?: string;
}

/** At most this many ids are suggested for an unknown one. */
const MAX_SUGGESTIONS = 5;

/**
 * `rules show` of an id that no loaded rule has: a usage error (exit 64), naming the closest ids. A
 * prefix that only one id starts with is not taken for it: a script's `rules show <prefix>` would
 * change meaning the day a second rule starts so.
 */
export class UnknownRuleError extends UsageError {
  constructor(
    readonly ruleId: string,
    readonly suggestions: string[] = [],
    more = 0,
  ) {
    const hint = suggestions.length === 0 ? '' : `; did you mean ${suggestions.join(', ')}${more > 0 ? `, or ${more} more` : ''}?`;
    super(`unknown rule "${ruleId}"${hint} (see "snapshot-doctor rules list")`);
  }
}

/** The error for an id no rule has, with the ids closest to it. */
export function unknownRule(id: string, ids: readonly string[]): UnknownRuleError {
  const close = closestNames(id, ids, Number.POSITIVE_INFINITY);
  return new UnknownRuleError(id, close.slice(0, MAX_SUGGESTIONS), Math.max(0, close.length - MAX_SUGGESTIONS));
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
    if (args.format === 'json') {
      process.stdout.write(`${JSON.stringify(metas, null, 2)}\n`);
      return 0;
    }
    const { formatRuleList } = await import('../../ruledoc/list.js');
    process.stdout.write(formatRuleList(metas, { color: wantColor(), width: process.stdout.isTTY ? process.stdout.columns : undefined }));
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
    if (!rule) throw unknownRule(args.id, rules.map((r) => r.meta.id));
    if (args.format === 'json') {
      process.stdout.write(`${JSON.stringify(rule.meta, null, 2)}\n`);
      return 0;
    }
    const { formatRuleDoc } = await import('../../ruledoc/render.js');
    process.stdout.write(formatRuleDoc(rule, { color: wantColor(), width: process.stdout.isTTY ? process.stdout.columns : undefined }));
    return 0;
  },
};

export const rulesCommand: CommandModule = {
  name: 'rules',
  describe: 'The rule catalog: "rules list", or "rules show <id>" for one rule\'s documentation',
  missing: 'rules needs a subcommand: "rules list" or "rules show <id>"',
  subcommands: [listCommand, showCommand] as CommandModule<never>[],
};
