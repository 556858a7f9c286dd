#!/usr/bin/env node
// The build's second step (after tsc): writes dist/catalog.json, the built-in rule folders read, checked and parsed once, for start-up.
import { rmSync, writeFileSync } from 'node:fs';
import { COMPILED_CATALOG, compileBuiltinCatalog } from '../dist/src/catalog.js';

// A failed build leaves no compiled catalog behind (start-up would read the folders and fail there the same way).
rmSync(COMPILED_CATALOG, { force: true });
try {
  writeFileSync(COMPILED_CATALOG, JSON.stringify(await compileBuiltinCatalog()));
} catch (error) {
  console.error(`build: the rule catalog does not compile: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
