#!/usr/bin/env node
// Process glue only: run the CLI and turn its result into the process exit code.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
