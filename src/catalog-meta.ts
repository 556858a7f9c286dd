// Where the built-in catalog lives, and every rule's metadata (`rules list`) read from its compiled form without loading a rule.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCompiledCatalog } from './engine/compiled-catalog.js';
import type { RuleMeta } from './engine/types.js';
import { PACKAGE_ROOT } from './package-root.js';

/** The built-in rule folders: `rules/<id>/rule.yaml`, or `rules/<id>/rule.ts` registered in src/catalog.ts. */
export const BUILTIN_RULES_DIR = join(PACKAGE_ROOT, 'rules');

/**
 * The compiled form of the built-in rule folders that `npm run build` writes beside the compiled code
 * (`dist/catalog.json`), loaded at start-up instead of the folders while it matches them. Run from the
 * sources (tsx: the tests, development) there is none: the folders are read, as authors left them.
 */
export const COMPILED_CATALOG: string | undefined = import.meta.url.endsWith('.js') ? fileURLToPath(new URL('../catalog.json', import.meta.url)) : undefined;

/** The catalog's rule templates precompiled by the build (`dist/rule-templates.json`), rendered without handlebars' compiler; none from the sources. */
export const PRECOMPILED_TEMPLATES: string | undefined = COMPILED_CATALOG === undefined ? undefined : fileURLToPath(new URL('../rule-templates.json', import.meta.url));

/**
 * Every rule's metadata, in catalog order, then the vendor rules of `rulesDirs`: straight from the
 * compiled catalog when it is fresh and there are no vendor rules, else from loading the catalog.
 */
export async function catalogMetas(rulesDirs: readonly string[] = [], compiledCatalog = COMPILED_CATALOG): Promise<RuleMeta[]> {
  const compiled = rulesDirs.length === 0 && compiledCatalog !== undefined ? readCompiledCatalog(compiledCatalog, BUILTIN_RULES_DIR) : undefined;
  if (compiled) return compiled.metas;
  const { loadCatalog } = await import('./catalog.js');
  return (await loadCatalog(rulesDirs)).rules.map((rule) => rule.meta);
}
