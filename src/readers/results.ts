// Velero's backup / restore results JSON (`<b>-results.gz`): its errors and warnings as log lines the scanner can match.

interface ResultScope {
  velero?: unknown;
  cluster?: unknown;
  namespaces?: Record<string, unknown>;
}

/** Go's %q-style quoting, as logrus writes values with spaces or quotes. */
export function logfmtQuote(value: string): string {
  return JSON.stringify(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * One logfmt line per message: `level=error msg="…" backup=<ns>/<name> scope=velero` (namespaced messages
 * add `namespace=<ns>`), so that log rules match results exactly as they match the backup log.
 */
export function resultLines(results: unknown, owner: { kind: 'Backup' | 'Restore'; name: string; namespace?: string }): string[] {
  if (!results || typeof results !== 'object') return [];
  const ownerKey = owner.kind === 'Backup' ? 'backup' : 'restore';
  const ownerRef = owner.namespace ? `${owner.namespace}/${owner.name}` : owner.name;
  const lines: string[] = [];
  for (const [section, level] of [
    ['errors', 'error'],
    ['warnings', 'warning'],
  ] as const) {
    const scope = (results as Record<string, ResultScope | undefined>)[section];
    if (!scope || typeof scope !== 'object') continue;
    const emit = (message: string, extra: string) =>
      lines.push(`level=${level} msg=${logfmtQuote(message)} ${ownerKey}=${ownerRef} ${extra}`.trimEnd());
    for (const m of strings(scope.velero)) emit(m, 'scope=velero');
    for (const m of strings(scope.cluster)) emit(m, 'scope=cluster');
    if (scope.namespaces && typeof scope.namespaces === 'object') {
      for (const [ns, messages] of Object.entries(scope.namespaces)) for (const m of strings(messages)) emit(m, `scope=namespace namespace=${ns}`);
    }
  }
  return lines;
}

export async function* linesSource(lines: string[]): AsyncGenerator<Buffer> {
  if (lines.length > 0) yield Buffer.from(`${lines.join('\n')}\n`);
}
