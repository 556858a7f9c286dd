// Parses JSON and YAML files within budgets (size, nesting depth, aliases) and turns them into Kubernetes objects.
import { parseAllDocuments } from 'yaml';
import { BudgetError } from '../errors.js';
import type { KubeObject } from '../model/kube.js';
import type { ReadBudget } from './types.js';

/** A structured file that could not be read; the reader lists it under `problems`. */
export class StructuredFileError extends Error {}

/** Reads a whole stream into one buffer, refusing more than `limit` bytes. */
export async function readAll(source: AsyncIterable<Buffer>, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > limit) {
      throw new StructuredFileError(`larger than ${Math.round(limit / 1024 / 1024)} MB (the structured-file budget): ${what} skipped`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * The deepest `[`/`{` nesting of JSON text, outside strings. Checked before parsing, since walking a
 * hundred thousand levels afterwards would overflow the stack. Hand-written: a linear byte scan.
 */
export function jsonDepth(text: string, stopAbove: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return max;
}

/** JSON text (or YAML when it does not parse as JSON and `yamlFallback` is set) → documents. */
export function parseDocuments(text: string, budget: ReadBudget, options: { yaml: boolean }): unknown[] {
  const trimmed = text.trimStart();
  if (!options.yaml || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (jsonDepth(text, budget.maxDepth) > budget.maxDepth) throw new StructuredFileError(`nested deeper than ${budget.maxDepth} levels`);
    try {
      return [JSON.parse(text)];
    } catch (error) {
      if (!options.yaml) throw new StructuredFileError(`malformed JSON (${(error as Error).message})`);
    }
  }
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) throw new StructuredFileError(`malformed YAML (${error.message.split('\n')[0]})`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new StructuredFileError(`unreadable YAML (${(e as Error).message.split('\n')[0]})`);
    }
    if (value !== null && value !== undefined) values.push(value);
  }
  for (const value of values) {
    if (depthOf(value, budget.maxDepth) > budget.maxDepth) throw new StructuredFileError(`nested deeper than ${budget.maxDepth} levels`);
  }
  return values;
}

/** Nesting depth of a parsed value, iteratively (no recursion), stopping once above `stopAbove`. */
function depthOf(value: unknown, stopAbove: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > stopAbove) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `DeploymentList` → `Deployment`. */
function itemKindOfList(listKind: unknown): string | undefined {
  return typeof listKind === 'string' && listKind.endsWith('List') && listKind !== 'List' ? listKind.slice(0, -4) : undefined;
}

export interface ExtractedObjects {
  objects: KubeObject[];
  /** Items that are not Kubernetes objects (no metadata.name, or no kind to infer). */
  skipped: number;
  /** List documents seen, empty ones included (`kubectl get` prints an empty List when nothing exists). */
  lists: number;
}

/** The problem every reader records for the items `extractObjects` skipped, worded alike. */
export function skippedItemsProblem(skipped: number): string {
  return `${skipped} item${skipped === 1 ? ' is' : 's are'} not a Kubernetes object (no kind or metadata.name): skipped`;
}

/**
 * Kubernetes objects from parsed documents: List objects (`items`, whose entries usually lack kind and
 * apiVersion: taken from the List kind, else `kindHint`), bare arrays, sequences, single objects.
 */
export function extractObjects(documents: unknown[], kindHint?: string): ExtractedObjects {
  const objects: KubeObject[] = [];
  let skipped = 0;
  let lists = 0;
  const visit = (value: unknown, inheritedKind: string | undefined, inheritedApiVersion: string | undefined, depth: number) => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, inheritedKind, inheritedApiVersion, depth + 1);
      return;
    }
    if (!isRecord(value)) {
      skipped += 1;
      return;
    }
    if (Array.isArray(value.items) && (value.kind === 'List' || itemKindOfList(value.kind) || !isRecord(value.metadata) || !('name' in value.metadata))) {
      if (depth > 3) return;
      lists += 1;
      const listApiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : inheritedApiVersion;
      visit(value.items, itemKindOfList(value.kind) ?? inheritedKind, value.kind === 'List' ? undefined : listApiVersion, depth + 1);
      return;
    }
    const metadata = value.metadata;
    const kind = typeof value.kind === 'string' && value.kind ? value.kind : inheritedKind;
    if (!isRecord(metadata) || typeof metadata.name !== 'string' || !metadata.name || !kind) {
      skipped += 1;
      return;
    }
    const object = value as KubeObject;
    object.kind = kind;
    if (object.apiVersion === undefined && inheritedApiVersion) object.apiVersion = inheritedApiVersion;
    objects.push(object);
  };
  for (const doc of documents) visit(doc, kindHint, undefined, 0);
  return { objects, skipped, lists };
}

/** Thrown through as is: a budget error stops the whole input, unlike a StructuredFileError. */
export { BudgetError };
