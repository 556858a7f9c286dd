// `supportBundleSpec()` and `mergeSupportBundleSpec()`: troubleshoot specs (SupportBundle + Redactor) that collect what snapshot-doctor reads.
import type { YAMLMap} from 'yaml';
import { Document, isMap, isSeq, parseAllDocuments, YAMLSeq, type Node } from 'yaml';
import { InputError } from '../errors.js';
import { TOOL_NAME } from '../constants.js';
import { CLUSTER_RESOURCES_COMMENT, LOGS_COLLECTORS, type CollectorEntry } from './collectors.js';
import { SPEC_REDACTORS } from './redactors.js';

export { LOGS_COLLECTORS, CLUSTER_RESOURCES_COMMENT } from './collectors.js';
export { SPEC_REDACTORS } from './redactors.js';

const API_VERSION = 'troubleshoot.sh/v1beta2';
/** Long regexes stay on one line; flow lists print as `[a, b]`, as people write them. */
const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The new spec as plain data: the SupportBundle and the Redactor documents. */
export function specObjects(): { supportBundle: Record<string, unknown>; redactor: Record<string, unknown> } {
  return {
    supportBundle: {
      apiVersion: API_VERSION,
      kind: 'SupportBundle',
      metadata: { name: TOOL_NAME },
      spec: { collectors: ourCollectors() },
    },
    redactor: {
      apiVersion: API_VERSION,
      kind: 'Redactor',
      metadata: { name: TOOL_NAME },
      spec: { redactors: SPEC_REDACTORS.map((r) => ({ name: r.name, removals: { regex: r.regex.map((x) => ({ ...x })) } })) },
    },
  };
}

function ourCollectors(): CollectorEntry[] {
  return [{ clusterInfo: {} }, { clusterResources: {} }, ...LOGS_COLLECTORS.map((c) => ({ logs: structuredClone(c.logs) }))];
}

/** The spec as YAML: a SupportBundle and a Redactor, with comments saying what each part brings. */
export function supportBundleSpec(): string {
  const { supportBundle, redactor } = specObjects();
  const bundleDoc = new Document(supportBundle);
  bundleDoc.commentBefore =
    ` Collects what ${TOOL_NAME} reads to explain Velero / KOTS snapshot failures.` +
    `\n Analyze the bundle with: ${TOOL_NAME} analyze support-bundle-*.tar.gz`;
  const collectors = bundleDoc.getIn(['spec', 'collectors']) as YAMLSeq;
  annotateCollectors(collectors);
  const redactorDoc = new Document(redactor);
  redactorDoc.commentBefore = ` Secrets ${TOOL_NAME} masks that troubleshoot's built-in redactors do not.`;
  annotateRedactors(redactorDoc.getIn(['spec', 'redactors']) as YAMLSeq);
  return `${bundleDoc.toString(TO_STRING)}---\n${redactorDoc.toString(TO_STRING)}`;
}

function annotateCollectors(collectors: YAMLSeq): void {
  for (const item of collectors.items) {
    if (!isMap(item)) continue;
    const type = String((item.items[0]?.key as { value?: unknown } | undefined)?.value ?? '');
    if (type === 'clusterResources') item.commentBefore = CLUSTER_RESOURCES_COMMENT.map((l) => ` ${l}`).join('\n');
    if (type === 'logs') {
      const logs = item.get('logs') as YAMLMap;
      const collectorName = logs.get('collectorName');
      const known = LOGS_COLLECTORS.find((c) => c.logs.collectorName === collectorName);
      if (known) item.commentBefore = ` ${known.comment}`;
      const selector = logs.get('selector', true);
      if (isSeq(selector)) selector.flow = true;
      const limits = logs.get('limits', true);
      if (isMap(limits)) limits.flow = true;
    }
  }
}

function annotateRedactors(redactors: YAMLSeq | undefined): void {
  for (const item of redactors?.items ?? []) {
    if (!isMap(item)) continue;
    const known = SPEC_REDACTORS.find((r) => r.name === item.get('name'));
    if (known) item.commentBefore = ` ${known.comment}`;
  }
}

/** What a merge did, for the user to check (printed on stderr by the CLI). */
export interface MergeResult {
  yaml: string;
  /** Collectors added, by a short description. */
  addedCollectors: string[];
  /** Redactors added, by name. */
  addedRedactors: string[];
  /** Things the user should know: a namespace-limited clusterResources, an existing collector kept. */
  notes: string[];
}

/**
 * Merges our collectors and redactors into a vendor's spec file (`text`, read from `file`). The
 * vendor's documents, collectors, analyzers and comments stay as they are; ours are appended where
 * the vendor has no equal one. A file without a SupportBundle is an InputError.
 */
export function mergeSupportBundleSpec(text: string, file: string): MergeResult {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs) || docs.length === 0) throw new InputError(file, 'empty: no SupportBundle document in it');
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) throw new InputError(file, `not valid YAML: ${firstLine(error.message)}`);
  }
  const isKind = (doc: Document, kind: string) => {
    const value = doc.toJS() as { apiVersion?: unknown; kind?: unknown } | null;
    return value?.kind === kind && typeof value.apiVersion === 'string' && value.apiVersion.startsWith('troubleshoot.sh/');
  };
  const bundle = docs.find((d) => isKind(d, 'SupportBundle'));
  if (!bundle) throw new InputError(file, 'no troubleshoot SupportBundle document in it (kind: SupportBundle, apiVersion: troubleshoot.sh/v1beta2)');
  const version = (bundle.toJS() as { apiVersion: string }).apiVersion;
  if (version !== API_VERSION) throw new InputError(file, `the SupportBundle is ${version}; only ${API_VERSION} can be merged`);

  const addedCollectors: string[] = [];
  const addedRedactors: string[] = [];
  const notes: string[] = [];
  mergeCollectors(bundle, addedCollectors, notes, file);

  const all: Document[] = [...docs];
  let redactorDoc: Document | undefined = all.find((d) => isKind(d, 'Redactor'));
  if (!redactorDoc) {
    redactorDoc = new Document({ apiVersion: API_VERSION, kind: 'Redactor', metadata: { name: TOOL_NAME }, spec: { redactors: [] } });
    redactorDoc.commentBefore = ` Secrets ${TOOL_NAME} masks that troubleshoot's built-in redactors do not.`;
    all.push(redactorDoc);
  }
  mergeRedactors(redactorDoc, addedRedactors);
  const yaml = all
    .map((d, i) => {
      const text = d.toString(TO_STRING);
      // A document that had its own `---` prints it again.
      return i === 0 || text.startsWith('---') ? text : `---\n${text}`;
    })
    .join('');
  return { yaml, addedCollectors, addedRedactors, notes };
}

function mergeCollectors(bundle: Document, added: string[], notes: string[], file: string): void {
  const spec = bundle.get('spec', true);
  if (spec !== undefined && !isMap(spec)) throw new InputError(file, 'the SupportBundle\'s spec is not a mapping');
  if (!bundle.hasIn(['spec', 'collectors'])) bundle.setIn(['spec', 'collectors'], bundle.createNode([]));
  const collectors = bundle.getIn(['spec', 'collectors'], true);
  if (!isSeq(collectors)) throw new InputError(file, 'spec.collectors is not a list');
  const existing = (collectors.toJSON() as unknown[]).filter((c): c is CollectorEntry => typeof c === 'object' && c !== null);
  const has = (type: string) => existing.find((c) => type in c);
  const ours = new YAMLSeq();
  for (const entry of ourCollectors()) {
    const type = Object.keys(entry)[0]!;
    if (type === 'clusterInfo' || type === 'clusterResources') {
      const theirs = has(type);
      if (!theirs) {
        ours.items.push(bundle.createNode(entry) as Node);
        added.push(`${type} collector`);
        continue;
      }
      const namespaces = (theirs[type] as { namespaces?: unknown }).namespaces;
      if (type === 'clusterResources' && Array.isArray(namespaces) && namespaces.length > 0) {
        notes.push(
          `the spec's clusterResources collects only the namespaces ${namespaces.map(String).join(', ')}: ` +
            'Velero\'s custom resources, Deployment and pods come only from those; add the namespace Velero runs in to that list',
        );
      }
      continue;
    }
    const logs = entry.logs as { collectorName: string; name: string; selector: string[] };
    const same = existing.some((c) => {
      const theirs = c.logs as { selector?: unknown; namespace?: unknown; containerNames?: unknown } | undefined;
      return theirs && !theirs.namespace && !theirs.containerNames && sameSelector(theirs.selector, logs.selector);
    });
    if (same) {
      notes.push(`kept the spec's own logs collector for ${logs.selector.join(',')}`);
      continue;
    }
    const node = bundle.createNode(entry) as YAMLMap;
    const known = LOGS_COLLECTORS.find((c) => c.logs.collectorName === logs.collectorName);
    if (known) node.commentBefore = ` ${TOOL_NAME}: ${known.comment}`;
    const inner = node.get('logs') as YAMLMap;
    for (const key of ['selector', 'limits']) {
      const child = inner.get(key, true);
      if (isSeq(child) || isMap(child)) child.flow = true;
    }
    ours.items.push(node);
    added.push(`logs collector ${logs.selector.join(',')} (${logs.name})`);
  }
  if (ours.items.length > 0) collectors.flow = false;
  collectors.items.push(...ours.items);
}

function sameSelector(theirs: unknown, ours: string[]): boolean {
  if (!Array.isArray(theirs)) return false;
  const norm = (list: unknown[]) => list.map((s) => String(s).replace(/\s+/g, '')).sort().join(',');
  return norm(theirs) === norm(ours);
}

function mergeRedactors(doc: Document, added: string[]): void {
  if (!doc.hasIn(['spec', 'redactors'])) doc.setIn(['spec', 'redactors'], doc.createNode([]));
  const redactors = doc.getIn(['spec', 'redactors'], true);
  if (!isSeq(redactors)) return;
  const names = new Set((redactors.toJSON() as { name?: unknown }[]).map((r) => r?.name));
  for (const redactor of SPEC_REDACTORS) {
    if (names.has(redactor.name)) continue;
    redactors.flow = false;
    const node = doc.createNode({ name: redactor.name, removals: { regex: redactor.regex.map((x) => ({ ...x })) } }) as YAMLMap;
    node.commentBefore = ` ${redactor.comment}`;
    redactors.items.push(node);
    added.push(redactor.name);
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
