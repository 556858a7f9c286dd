// Velero's start-up lines: which program of which version started writing a log.

/**
 * `Starting Velero server v1.12.1 (<sha>)` (pkg/cmd/server/server.go, every 1.x), `Starting Velero node-agent
 * server v1.12.1 (<sha>)` (1.10+) and `Starting Velero restic server v1.9.5 (<sha>)` (1.1–1.9), in logfmt or
 * JSON (`"msg":"Starting …"`). Dev builds (`main`, no version) do not match.
 */
const STARTUP_LINE = /Starting Velero (server|node-agent server|restic server) (v?\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?)[\s"\\]/;

/** The literal every start-up line holds, for the scan's prefilter. */
export const STARTUP_LITERAL = 'Starting Velero ';

/** The program and version a start-up line states (the version as written), or undefined. */
export function parseStartup(line: string): { program: 'server' | 'node-agent'; version: string } | undefined {
  const m = STARTUP_LINE.exec(`${line} `);
  if (!m) return undefined;
  return { program: m[1] === 'server' ? 'server' : 'node-agent', version: m[2]! };
}

/**
 * The versions the start-up lines in a log's first bytes state: the server's, and the node-agent's (restic's
 * before 1.10). The last start in the head wins (a container restarted after an upgrade logs both).
 */
export function startupVersions(head: string): { server?: string; nodeAgent?: string } {
  const found: { server?: string; nodeAgent?: string } = {};
  let at = head.indexOf(STARTUP_LITERAL);
  while (at !== -1) {
    const lineStart = head.lastIndexOf('\n', at) + 1;
    const lineEnd = head.indexOf('\n', at);
    const startup = parseStartup(head.slice(lineStart, lineEnd === -1 ? undefined : lineEnd));
    if (startup?.program === 'server') found.server = startup.version;
    else if (startup) found.nodeAgent = startup.version;
    at = head.indexOf(STARTUP_LITERAL, at + STARTUP_LITERAL.length);
  }
  return found;
}
