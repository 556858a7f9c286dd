// Every CLI command, in the order `--help` lists them.
import { analyzeCommand } from './analyze.js';
import { collectCommand } from './collect.js';
import { diagnoseCommand } from './diagnose.js';
import { diffCommand } from './diff.js';
import { redactCommand } from './redact.js';
import { rulesCommand } from './rules.js';
import { specCommand } from './spec.js';
import type { CommandModule } from './types.js';

export const COMMANDS = [analyzeCommand, collectCommand, diagnoseCommand, diffCommand, rulesCommand, redactCommand, specCommand] as CommandModule<never>[];
