// Reads one bundle (troubleshoot of every era, velero debug, snapshot-doctor collect) entry by entry into the builder.
import { basename } from 'node:path';
import { BudgetError, EntryBudgetError, InputError } from '../../errors.js';
import type { InputFormat } from '../../model/bundle.js';
import type { KubeObject } from '../../model/kube.js';
import { VELERO_KINDS } from '../../model/velero.js';
import { parseDescribe } from '../describe.js';
import type { Entry, EntrySource } from '../entries/index.js';
import { componentForContainer, newLogFile, scanLog } from '../logs.js';
import { BINARY_SNIFF_BYTES, binaryKind, peekHead } from '../log-bytes.js';
import { linesSource, resultLines } from '../results.js';
import { extractObjects, parseDocuments, readAll, skippedItemsProblem, StructuredFileError } from '../structured.js';
import type { ReadContext } from '../context.js';
import { ticking } from '../progress.js';
import { classify, type Role } from './classify.js';
import { failingVeleroResults } from './analysis.js';

/** Which layout the roles seen so far point to. */
class FormatEvidence {
  troubleshoot = false;
  veleroDebug = false;
  snapshotDoctor = false;
  /** Anything at all a reader understood. */
  recognized = 0;

  note(path: string, role: Role): void {
    if (role.role === 'ignore') {
      if (path.startsWith('cluster-resources/') || path.startsWith('cluster-info/')) this.troubleshoot = true;
      return;
    }
    this.recognized += 1;
    if (role.role === 'manifest' || path.startsWith('snapshot-doctor/')) this.snapshotDoctor = true;
    else if (path.startsWith('kubecapture/') || role.role === 'velero-version' || (role.role === 'describe' && !path.includes('/'))) this.veleroDebug = true;
    else if (path.startsWith('cluster-resources/') || path.startsWith('cluster-info/') || role.role === 'troubleshoot-version' || role.role === 'pod-log') this.troubleshoot = true;
  }

  format(): InputFormat | undefined {
    if (this.snapshotDoctor) return 'snapshot-doctor';
    if (this.veleroDebug) return 'velero-debug';
    if (this.troubleshoot) return 'troubleshoot';
    return undefined;
  }
}

/** Nothing in the archive or folder belongs to a bundle layout. */
export class NotABundleError extends InputError {}

/** `support-bundle-2024-05-01T12_30_00` (troubleshoot) or `bundle-2024-05-01-12-30-00` (velero debug) → ISO. */
export function timeFromBundleName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const m = /(\d{4})-(\d\d)-(\d\d)[T_-](\d\d)[_:-](\d\d)[_:-](\d\d)/.exec(name);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** `202405011230` (crash-diagnostics capture file names) → ISO. */
function timeFromCapture(stamp: string): string {
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:00Z`;
}

const VELERO_KIND_NAMES = Object.keys(VELERO_KINDS);

/**
 * Reads every entry of `source` into the context's builder and returns the format found. Throws
 * InputError when nothing in it is a bundle file.
 */
export async function readBundle(source: EntrySource, ctx: ReadContext, forced?: InputFormat): Promise<InputFormat> {
  const evidence = new FormatEvidence();
  /** custom resources by `<crd>/<ns>` read from JSON: the YAML copies of those are ignored. */
  const jsonSeen = new Set<string>();
  /** YAML copies read before their JSON (v0.76–v0.132): used only if no JSON arrives. */
  const pendingYaml = new Map<string, { path: string; objects: KubeObject[]; problem: string | undefined }>();
  const { builder } = ctx;
  const input = ctx.inputPath;
  let cut: EntryBudgetError | undefined;

  try {
    for await (const entry of source) {
      ctx.progress(source);
      const role = classify(entry.path);
      evidence.note(entry.path, role);
      // Symbolic links point at files the walk reaches on its own (aliases of logs, `.yaml` → `.json`).
      if (entry.type === 'symlink' || role.role === 'ignore' || role.role === 'troubleshoot-version') continue;
      try {
        // A long log moves the progress while it streams, not only between entries.
        await readEntry({ ...entry, stream: () => ticking(entry.stream(), source, ctx.meter) }, role);
      } catch (error) {
        if (error instanceof StructuredFileError) builder.addProblem(entry.path, error.message);
        else if (error instanceof BudgetError || error instanceof InputError) throw error;
        else builder.addProblem(entry.path, `unreadable: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    // Too many entries: the ones read are whole, so they are analyzed and the cut is a problem.
    if (!(error instanceof EntryBudgetError)) throw error;
    cut = error;
    builder.addProblem(input, `holds more than ${error.limit} entries (the entry-count budget, budget.maxEntries): the first ${error.limit} were analyzed, the rest was not read`);
  }
  for (const [key, pending] of pendingYaml) {
    if (jsonSeen.has(key)) continue;
    if (pending.problem) builder.addProblem(pending.path, pending.problem);
    for (const object of pending.objects) builder.addObject(object, pending.path);
  }
  for (const problem of source.problems) builder.addProblem(problem.source, problem.message);

  const format = forced ?? evidence.format();
  if (!format || evidence.recognized === 0) {
    // Cut before any bundle file: the budget, not the layout, is what the user needs to hear about.
    if (cut) throw cut;
    throw new NotABundleError(input, source.kind === 'folder' ? 'no support bundle, velero debug bundle or Velero file found in this folder' : 'not a support bundle or velero debug bundle (no file of either layout in the archive)');
  }
  const named = timeFromBundleName(source.root) ?? timeFromBundleName(basename(input));
  if (named) builder.noteCollectedAt(named, 'stated');
  return format;

  /** A log's bytes; undefined, with a problem naming it, when they are a binary file where a log should be (its bytes go in no report). */
  async function logBytes(path: string, source: AsyncIterable<Buffer>): Promise<AsyncIterable<Buffer> | undefined> {
    const { head, all, close } = await peekHead(source, BINARY_SNIFF_BYTES);
    const kind = binaryKind(head);
    if (!kind) return all;
    await close();
    builder.addProblem(path, `${kind} where a log should be: skipped`);
    return undefined;
  }

  async function structured(entry: Entry): Promise<unknown[]> {
    const data = await readAll(entry.stream(), ctx.budget.maxStructuredFileBytes, entry.path);
    return parseDocuments(data.toString('utf8'), ctx.budget, { yaml: !entry.path.endsWith('.json') });
  }

  function addObjects(path: string, documents: unknown[], kindHint: string): void {
    const { objects, skipped } = extractObjects(documents, kindHint);
    for (const object of objects) builder.addObject(object, path);
    if (skipped > 0) builder.addProblem(path, skippedItemsProblem(skipped));
  }

  async function readEntry(entry: Entry, role: Exclude<Role, { role: 'ignore' }>): Promise<void> {
    switch (role.role) {
      case 'custom-resources': {
        const key = `${role.crd}/${role.namespace ?? ''}`;
        if (role.crd.endsWith('.velero.io')) for (const kind of VELERO_KIND_NAMES) builder.noteCollectedKind(kind);
        builder.noteCollectedKind(role.kind);
        if (role.ext === 'yaml') {
          if (jsonSeen.has(key) || pendingYaml.has(key)) return;
          // Whether this copy counts (and so whether its flaws are worth a problem) is known only at the end.
          try {
            const { objects, skipped } = extractObjects(await structured(entry), role.kind);
            pendingYaml.set(key, { path: entry.path, objects, problem: skipped > 0 ? skippedItemsProblem(skipped) : undefined });
          } catch (error) {
            if (!(error instanceof StructuredFileError)) throw error;
            pendingYaml.set(key, { path: entry.path, objects: [], problem: error.message });
          }
          return;
        }
        jsonSeen.add(key);
        addObjects(entry.path, await structured(entry), role.kind);
        return;
      }
      case 'list': {
        builder.noteCollectedKind(role.kind);
        if (role.captureTime) {
          builder.noteCollectedAt(timeFromCapture(role.captureTime), 'captured');
          for (const kind of VELERO_KIND_NAMES) builder.noteCollectedKind(kind);
        }
        const documents = await structured(entry);
        addObjects(entry.path, documents, role.kind);
        // troubleshoot lists the objects of every CRD it lists, writing files only for those that have some:
        // a listed Velero or snapshot CRD without a file means none exist, not "not collected".
        if (role.kind === 'CustomResourceDefinition' && entry.path.startsWith('cluster-resources/')) {
          for (const crd of extractObjects(documents, role.kind).objects) {
            const group: unknown = crd.spec?.group;
            const kind: unknown = crd.spec?.names?.kind;
            if ((group === 'velero.io' || group === 'snapshot.storage.k8s.io') && typeof kind === 'string') builder.noteCollectedKind(kind);
          }
        }
        return;
      }
      case 'errors': {
        const [doc] = await structured(entry);
        const messages = Array.isArray(doc) ? doc : doc === undefined ? [] : [doc];
        for (const m of messages) builder.addProblem(entry.path, typeof m === 'string' ? m : JSON.stringify(m));
        return;
      }
      case 'pod-log': {
        if (!builder.claimLog(`pod:${role.pod}/${role.container}/${role.previous}`)) return;
        const file = newLogFile({
          path: entry.path,
          input,
          component: componentForContainer(role.pod, role.container),
          pod: role.pod,
          container: role.container,
          previous: role.previous,
        });
        if (role.namespace) file.namespace = role.namespace;
        const bytes = await logBytes(entry.path, entry.stream());
        if (!bytes) return;
        builder.addLog(file);
        await scanLog(file, bytes, ctx.scanner);
        return;
      }
      case 'cluster-version': {
        const [doc] = await structured(entry);
        const info = doc as { info?: { gitVersion?: string }; string?: string } | undefined;
        const version = info?.info?.gitVersion ?? info?.string;
        if (typeof version === 'string') builder.versionHints.kubernetes = { version, source: { from: 'cluster version', file: entry.path } };
        return;
      }
      case 'velero-version': {
        const text = (await readAll(entry.stream(), 1 << 20, entry.path)).toString('utf8');
        const server = /Server:\s*\n\s*Version:\s*(\S+)/.exec(text)?.[1];
        if (server) builder.versionHints.veleroServer = { version: server, source: { from: 'version.txt', file: entry.path } };
        return;
      }
      case 'describe': {
        const text = (await readAll(entry.stream(), ctx.budget.maxStructuredFileBytes, entry.path)).toString('utf8');
        const described = parseDescribe(text, role.kind);
        if (described) builder.addObject(described.object, entry.path, { synthesized: true });
        else builder.addProblem(entry.path, `no ${role.kind.toLowerCase()} name found in the describe output`);
        const owner: { kind: 'Backup' | 'Restore'; name: string; namespace?: string } = { kind: role.kind, name: described?.object.metadata.name ?? role.name };
        if (described?.object.metadata.namespace) owner.namespace = described.object.metadata.namespace;
        const file = newLogFile({ path: entry.path, input, component: 'describe', owner });
        builder.addLog(file);
        await scanLog(file, linesSource([text.replace(/\n$/, '')]), ctx.scanner);
        return;
      }
      case 'owner-log': {
        if (!builder.claimLog(`owner:${role.kind}/${role.namespace ?? ''}/${role.name}`)) return;
        const owner: { kind: 'Backup' | 'Restore'; name: string; namespace?: string } = { kind: role.kind, name: role.name };
        if (role.namespace) owner.namespace = role.namespace;
        const file = newLogFile({ path: entry.path, input, component: role.kind === 'Backup' ? 'backup-log' : 'restore-log', owner });
        const bytes = await logBytes(entry.path, ctx.maybeGunzip(entry));
        if (!bytes) return;
        builder.addLog(file);
        await scanLog(file, bytes, ctx.scanner);
        return;
      }
      case 'results': {
        const [doc] = await structured(entry);
        const owner: { kind: 'Backup' | 'Restore'; name: string; namespace?: string } = { kind: role.kind, name: role.name };
        if (role.namespace) owner.namespace = role.namespace;
        const file = newLogFile({ path: entry.path, input, component: role.kind === 'Backup' ? 'backup-log' : 'restore-log', owner });
        builder.addLog(file);
        await scanLog(file, linesSource(resultLines(doc, owner)), ctx.scanner);
        return;
      }
      case 'credential-keys': {
        const [doc] = await structured(entry);
        const keys = (doc as { keys?: unknown } | undefined)?.keys;
        const name = (doc as { name?: unknown } | undefined)?.name;
        if (!Array.isArray(keys)) throw new StructuredFileError('no "keys" list');
        builder.credentialKeys.push({
          namespace: role.namespace,
          secret: typeof name === 'string' ? name : role.secret,
          keys: keys.filter((k): k is string => typeof k === 'string'),
          source: entry.path,
        });
        return;
      }
      case 'manifest': {
        const [doc] = await structured(entry);
        const manifest = (doc ?? {}) as {
          collectedAt?: unknown;
          veleroNamespace?: unknown;
          errors?: unknown;
          cluster?: { kubernetesVersion?: unknown };
          serverStatus?: { serverVersion?: unknown } | null;
          collected?: unknown;
        };
        if (typeof manifest.collectedAt === 'string') builder.noteCollectedAt(manifest.collectedAt, 'stated');
        if (typeof manifest.veleroNamespace === 'string') builder.noteVeleroNamespace(manifest.veleroNamespace);
        // Fallbacks only: cluster_version.json and the workloads' images say it first.
        const kubernetes = manifest.cluster?.kubernetesVersion;
        if (typeof kubernetes === 'string' && !builder.versionHints.kubernetes) builder.versionHints.kubernetes = { version: kubernetes, source: { from: 'collect manifest', file: entry.path } };
        const server = manifest.serverStatus?.serverVersion;
        if (typeof server === 'string' && !builder.versionHints.veleroServer) builder.versionHints.veleroServer = { version: server, source: { from: 'collect manifest', file: entry.path } };
        // What the collector listed (even when it found none) is what rules may call "none exist".
        if (Array.isArray(manifest.collected)) {
          for (const c of manifest.collected as { kind?: unknown }[]) if (c && typeof c.kind === 'string') builder.noteCollectedKind(c.kind);
        }
        if (Array.isArray(manifest.errors)) {
          for (const e of manifest.errors as { source?: unknown; message?: unknown }[]) {
            if (e && typeof e.message === 'string') builder.addProblem(typeof e.source === 'string' ? e.source : 'collect', e.message);
          }
        }
        return;
      }
      case 'troubleshoot-analysis': {
        const [doc] = await structured(entry);
        builder.externalResults.push(...failingVeleroResults(doc, entry.path));
        return;
      }
      case 'troubleshoot-version':
        return;
    }
  }
}
