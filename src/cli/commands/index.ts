// Every CLI command, in the order `--help` lists them.
import { analyzeCommand } from './analyze.js';
import type { CommandModule } from './types.js';

export const COMMANDS: CommandModule<never>[] = [analyzeCommand as CommandModule<never>];
