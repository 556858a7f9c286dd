// Usage errors in the user's words: yargs' validation messages turned into one line naming the flag or argument.
import { editDistance } from '../util/closest.js';
import type { CommandModule } from './commands/types.js';

/** The command a usage error is about, with the words that lead to it (`rules show <id>`). */
export interface Matched {
  command: CommandModule<never>;
  path: string[];
}

/** `usage: snapshot-doctor analyze <inputs..> [options]` (or `kubectl snapshot-doctor …`), and on a second line where the full help is (both fit 80 columns). */
export function usageLine(matched: Matched | undefined, scriptName = 'snapshot-doctor'): string {
  if (!matched) return `usage: ${scriptName} <command> [options]\nrun "${scriptName} --help" for the commands`;
  const words = matched.path.map((p, i) => (i < matched.path.length - 1 ? p.split(' ')[0] : p)).join(' ');
  const command = matched.path.map((p) => p.split(' ')[0]).join(' ');
  const tail = matched.command.subcommands ? ' <subcommand>' : '';
  return `usage: ${scriptName} ${words}${tail} [options]\nrun "${scriptName} ${command} --help" for the options`;
}

/**
 * A global yargs check: a string option given without a value (`--output` last on the line, or
 * `--output=`) is refused instead of silently meaning "not given"; a number option must be a number.
 */
export function valuesGiven(argv: Record<string, unknown>, options: { string?: string[]; number?: string[]; array?: string[] }): true | string {
  const longest = (keys: string[]) => keys.sort((a, b) => b.length - a.length)[0]!;
  const empty = [...(options.string ?? []), ...(options.array ?? [])].filter((key) => {
    const value = argv[key];
    return value === '' || (Array.isArray(value) && (value.length === 0 || value.includes('')));
  });
  if (empty.length > 0) return `${flag(longest(empty))} needs a value`;
  // A number option with nothing after it is present but undefined; one with a word after it is NaN.
  const notNumbers = (options.number ?? []).filter((key) => key in argv && (argv[key] === undefined || Number.isNaN(argv[key])));
  if (notNumbers.length > 0) return `${flag(longest(notNumbers))} needs a number`;
  return true;
}

/** Turns a yargs validation message into one line for the user. */
export function explainUsageError(message: string, argv: string[], matched: Matched | undefined, knownOptions: string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message);
  if (unknown) return explainUnknown(unknown[1]!.split(', '), argv, matched, knownOptions);
  const recommended = /^Did you mean (\S+)\?$/.exec(message);
  if (recommended) {
    const word = nthPositional(argv, matched?.path.length ?? 0);
    // yargs suggests within three edits, which makes "foo" a near miss of "show".
    const close = nearest(word, [recommended[1]!]);
    return `${positional(word, matched)}${close ? ` (did you mean ${close}?)` : ''}`;
  }
  if (/^Not enough non-option arguments/.test(message) && matched?.command.missing) return matched.command.missing;
  const following = /^Not enough arguments following: (.*)$/.exec(message);
  if (following) return `${flag(following[1]!)} needs a value`;
  const required = /^Missing required arguments?: (.*)$/.exec(message);
  if (required) return `missing ${required[1]!.split(', ').map(flag).join(', ')}`;
  const invalid = /Argument: ([^,]+), Given: ("[^"]*"|\S+), Choices: (.*)$/m.exec(message);
  if (invalid) return `${flag(invalid[1]!)} cannot be ${invalid[2]} (expected one of: ${invalid[3]!.replace(/"/g, '')})`;
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** `Unknown arguments: fial-on, fialOn` → `unknown option --fial-on (did you mean --fail-on?)`. */
function explainUnknown(names: string[], argv: string[], matched: Matched | undefined, knownOptions: string[]): string {
  // yargs lists each unknown flag under its camelCase form too.
  const distinct = names.filter((name) => !(name !== kebab(name) && names.includes(kebab(name))));
  const parts: string[] = [];
  for (const name of distinct) {
    const written = argv.find((arg) => new RegExp(`^--?(no-)?${escape(name)}(=|$)`).test(arg));
    if (!written) {
      parts.push(positional(name, matched));
      continue;
    }
    const negated = /^--no-/.test(written);
    const near = nearest(name, knownOptions);
    parts.push(`unknown option ${written.split('=')[0]}${near ? ` (did you mean ${negated ? `--no-${near}` : flag(near)}?)` : ''}`);
  }
  return parts.join('; ');
}

/** The n-th word on the line that is not a flag (commands and subcommands are words too). */
function nthPositional(argv: string[], n: number): string {
  return argv.filter((arg) => !arg.startsWith('-'))[n] ?? '';
}

function positional(name: string, matched: Matched | undefined): string {
  const subcommands = matched?.command.subcommands;
  if (matched && subcommands) {
    const command = matched.path.map((p) => p.split(' ')[0]).join(' ');
    return `unknown subcommand "${command} ${name}" (expected: ${subcommands.map((s) => s.name.split(' ')[0]).join(', ')})`;
  }
  const where = matched ? ` for "${matched.path.map((p) => p.split(' ')[0]).join(' ')}"` : '';
  return matched ? `unexpected argument "${name}"${where}` : `unknown command "${name}"`;
}

function flag(name: string): string {
  return name.length === 1 ? `-${name}` : `--${kebab(name)}`;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The known option closest to a mistyped one, when it is close enough to be the one meant. */
function nearest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
