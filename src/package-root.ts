// Where the installed package lives (package.json, rules/, templates/), from src/ under tsx and dist/src/ when built.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  // Walk up rather than count levels: this module runs from src/ (tsx) and from dist/src/ (built).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`snapshot-doctor: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The package root directory. */
export const PACKAGE_ROOT: string = findPackageRoot();
