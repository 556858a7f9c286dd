// `snapshot-doctor spec [--merge FILE]`: print a troubleshoot SupportBundle (and Redactor) collecting what snapshot-doctor reads.
import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../../errors.js';
import type { CommandModule } from './types.js';
import { plural } from '../../util/words.js';

interface SpecArgs {
  merge?: string;
}

export const specCommand: CommandModule<SpecArgs> = {
  name: 'spec',
  describe: 'Print a troubleshoot SupportBundle spec (troubleshoot.sh/v1beta2) that collects what snapshot-doctor reads',
  builder: (yargs) =>
    yargs
      .option('merge', { type: 'string', describe: "Add the collectors and redactors to this spec file, keeping the vendor's own" })
      .example('$0 spec > support-bundle.yaml', 'a spec of its own')
      .example('$0 spec --merge manifests/support-bundle.yaml', "the vendor's spec with snapshot-doctor's collectors added"),
  async run(args) {
    const { mergeSupportBundleSpec, supportBundleSpec } = await import('../../spec/index.js');
    if (args.merge === undefined) {
      process.stdout.write(supportBundleSpec());
      return 0;
    }
    if (args.merge === '') throw new UsageError('--merge needs a file: the spec to add the collectors to');
    let text: string;
    try {
      text = await readFile(args.merge, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(args.merge, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a spec file' : `cannot read: ${code ?? String(error)}`);
    }
    const merged = mergeSupportBundleSpec(text, args.merge);
    process.stdout.write(merged.yaml);
    for (const note of merged.notes) process.stderr.write(`note: ${note}\n`);
    const { addedCollectors: c, addedRedactors: r } = merged;
    process.stderr.write(`added ${plural(c.length, 'collector')} and ${plural(r.length, 'redactor')}\n`);
    return 0;
  },
};
