// Every CLI command, in the order `--help` lists them.
import { analyzeCommand } from './analyze.js';
import { collectCommand } from './collect.js';
import { diagnoseCommand } from './diagnose.js';
import { redactCommand } from './redact.js';
import type { CommandModule } from './types.js';

export const COMMANDS: CommandModule<never>[] = [analyzeCommand as CommandModule<never>, collectCommand as CommandModule<never>, diagnoseCommand as CommandModule<never>, redactCommand as CommandModule<never>];
