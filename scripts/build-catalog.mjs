#!/usr/bin/env node
// The build's second step (after tsc): dist/catalog.json, the built-in rule folders read, checked and parsed once, and their templates precompiled.
import { rmSync, writeFileSync } from 'node:fs';
import { COMPILED_CATALOG, compileBuiltinCatalog, PRECOMPILED_TEMPLATES } from '../dist/src/catalog.js';
import { catalogTemplates, precompileTemplates } from '../dist/src/engine/index.js';

// A failed build leaves no compiled catalog behind (start-up would read the folders and fail there the same way).
rmSync(COMPILED_CATALOG, { force: true });
rmSync(PRECOMPILED_TEMPLATES, { force: true });
try {
  const catalog = await compileBuiltinCatalog();
  writeFileSync(PRECOMPILED_TEMPLATES, precompileTemplates(catalogTemplates(catalog)));
  writeFileSync(COMPILED_CATALOG, JSON.stringify(catalog));
} catch (error) {
  console.error(`build: the rule catalog does not compile: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
