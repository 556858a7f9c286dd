#!/usr/bin/env node
// Process glue only: run the CLI and turn its result into the process exit code.
import { dropWritesToClosedPipes, main } from '../dist/src/cli/main.js';

dropWritesToClosedPipes();
process.exitCode = await main(process.argv.slice(2));
