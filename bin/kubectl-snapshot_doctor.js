#!/usr/bin/env node
// kubectl's plugin entry point: kubectl runs `kubectl-snapshot_doctor` for `kubectl snapshot-doctor …`; the same CLI, named as typed.
import { dropWritesToClosedPipes, main } from '../dist/src/cli/main.js';

dropWritesToClosedPipes();
process.exitCode = await main(process.argv.slice(2), { scriptName: 'kubectl snapshot-doctor' });
