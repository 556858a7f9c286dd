// Redaction throughput: streaming redaction of generated Velero logs, and of a kubectl dump full of objects, against plain reading of the same file.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createRedactor } from '../src/redact/index.js';

const TARGET_MB = Number(process.env.REDACT_BENCH_MB ?? 256);

/** Realistic Velero server and node-agent lines; one line in ~2,000 carries a secret. */
function* logLines(): Generator<string> {
  const levels = ['info', 'info', 'info', 'warning', 'error'];
  let i = 0;
  for (;;) {
    i += 1;
    const ts = new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString();
    const level = levels[i % levels.length];
    switch (i % 7) {
      case 0:
        yield `time="${ts}" level=${level} msg="Backed up ${i % 300} items out of an estimated total of 1200" backup=velero/daily-20240501${i % 10} logSource="pkg/backup/backup.go:460" progress=`;
        break;
      case 1:
        yield `time="${ts}" level=${level} msg="Processing item" backup=velero/daily-20240501 logSource="pkg/backup/item_backupper.go:177" name=pod-${i} namespace=app-${i % 20} resource=pods uid=0b6c8a9e-1f2d-4c3b-9a8e-${(i % 1e12).toString(16).padStart(12, '0')}`;
        break;
      case 2:
        yield `time="${ts}" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = AccessDenied: Access Denied\\n\\tstatus code: 403, request id: 4Q8NXK3QZ1B2C3D4, host id: vT0dG0lrbmp0QkZ1T3hKb2ZpN2h5dGxHbEJpN0p3dHZYQkFEMkxpMmxWRkVzOFh4eGNaUT0=" error.file="/go/src/velero-plugin-for-aws/object_store.go:270" logSource="pkg/controller/backup_sync_controller.go:98"`;
        break;
      case 3:
        yield `time="${ts}" level=${level} msg="Restic backup completed" backup=velero/daily-20240501 controller=podvolumebackup logSource="pkg/controller/pod_volume_backup_controller.go:245" pvb=daily-20240501-${i % 1000} snapshotID=5f5e5d3ab7d6a4c4e0f0a8c4b2e3f1d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3`;
        break;
      case 4:
        yield `{"level":"info","msg":"Validating BackupStorageLocation","backup-storage-location":"velero/default","controller":"backup-storage-location","logSource":"pkg/controller/backup_storage_location_controller.go:152","time":"${ts}"}`;
        break;
      case 5:
        yield `time="${ts}" level=info msg="Getting backup item actions" image="velero/velero@sha256:5f5e5d3ab7d6a4c4e0f0a8c4b2e3f1d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3" logSource="pkg/plugin/clientmgmt/manager.go:119"`;
        break;
      default:
        yield i % 2000 === 6
          ? `time="${ts}" level=debug msg="env" AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY RESTIC_PASSWORD=static-passw0rd`
          : `time="${ts}" level=${level} msg="Run command" cmd=/usr/bin/restic command=backup logSource="pkg/uploader/restic/restic.go:88" path=/host_pods/${i}/volumes/kubernetes.io~csi/pvc-${i}/mount`;
    }
  }
}

async function generate(path: string, bytes: number, lines: Generator<string> = logLines()): Promise<void> {
  const out = createWriteStream(path);
  let written = 0;
  const batch: string[] = [];
  for (const line of lines) {
    batch.push(line);
    if (batch.length === 2000) {
      const text = `${batch.join('\n')}\n`;
      batch.length = 0;
      written += text.length;
      if (!out.write(text)) await once(out, 'drain');
      if (written >= bytes) break;
    }
  }
  out.end();
  await once(out, 'finish');
}

/** `kubectl get deploy,cm,secret -A -o yaml`: a List of Deployments (env, args), ConfigMaps and Secrets, keys in kubectl's order. */
function* dumpLines(): Generator<string> {
  yield 'apiVersion: v1';
  yield 'items:';
  for (let i = 0; ; i += 1) {
    const ns = `app-${i % 40}`;
    switch (i % 3) {
      case 0:
        yield* ['- apiVersion: apps/v1', '  kind: Deployment', '  metadata:', `    name: web-${i}`, `    namespace: ${ns}`, `    uid: 0b6c8a9e-1f2d-4c3b-9a8e-${i.toString(16).padStart(12, '0')}`, '  spec:', '    template:', '      spec:', '        containers:', '        - args:', '          - --port=8080', `          - --default-backup-storage-location=default`, '          env:', '          - name: LOG_LEVEL', '            value: info', '          - name: SESSION_KEY', `            value: s3ss10n-${i}`, `          image: registry.example.com/web@sha256:5f5e5d3ab7d6a4c4e0f0a8c4b2e3f1d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3`, '          name: web'];
        break;
      case 1:
        yield* ['- apiVersion: v1', '  data:', '    region: us-east-1', '    config.yaml: |', '      uploaderType: kopia', `      bucket: velero-backups-${i}`, '  kind: ConfigMap', '  metadata:', `    name: settings-${i}`, `    namespace: ${ns}`];
        break;
      default:
        yield* ['- apiVersion: v1', '  data:', `    cloud: ${Buffer.from(`[default]\naws_access_key_id=AKIA${String(i).padStart(16, '0')}\n`).toString('base64')}`, `    whatever: ${Buffer.from(`opaque-${i}`).toString('base64')}`, '  kind: Secret', '  metadata:', `    name: creds-${i}`, `    namespace: ${ns}`, '  type: Opaque'];
    }
  }
}

/** Lines built to make a regex backtrack: long runs of blanks and tabs around a key and its value, many PEM block starts. */
function hostileLines(blanks: number): [string, string, string][] {
  const b = ' '.repeat(blanks);
  const t = ' \t'.repeat(blanks / 2);
  return [
    ['password, blanks, no colon', 'f.yaml', `password${b}`],
    ['password: a, blanks, x', 'f.yaml', `password: a${b}x`],
    ['password: a, blanks and tabs, b', 'f.yaml', `password: a${t}b`],
    ['Secret data: k, blanks, no colon', 's.yaml', `kind: Secret\ndata:\n  k${b}x\n`],
    ['env value: a, blanks, x', 'p.yaml', `- name: AWS_SECRET_ACCESS_KEY\n  value: a${b}x\n`],
    ['PEM BEGIN + abc, repeated, no END', 'f.log', '-----BEGIN PRIVATE KEY-----abc'.repeat(Math.floor(blanks / 30))],
  ];
}

/** Wall time, and the CPU time of this process: on a shared machine the CPU time is the steadier figure. */
async function timed(run: () => Promise<number>): Promise<{ seconds: number; cpu: number; bytes: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const bytes = await run();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6, bytes };
}

async function readOnly(path: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) bytes += (chunk as Buffer).length;
  return bytes;
}

async function redactAll(path: string, patterns = 0, name = 'bench.log'): Promise<number> {
  const redactor = createRedactor({
    patterns: Array.from({ length: patterns }, (_, i) => ({ name: `custom-${i}`, regex: `CUSTOMER-${i}-(?<mask>[0-9]{6})` })),
  });
  let bytes = 0;
  const source = createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
  for await (const chunk of redactor.redactStream(source, name)) bytes += chunk.length;
  const { total } = redactor.summary();
  if (total === 0) throw new Error('the bench data holds secrets; nothing was redacted');
  return bytes;
}

const dir = await mkdtemp(join(tmpdir(), 'redact-bench-'));
try {
  const file = join(dir, 'velero.log');
  await generate(file, TARGET_MB * 1024 * 1024);
  const size = (await stat(file)).size;
  const mb = size / 1024 / 1024;
  await readOnly(file); // warm the page cache
  const base = await timed(() => readOnly(file));
  const redact = await timed(() => redactAll(file));
  const custom = await timed(() => redactAll(file, 3));
  const rate = (t: { seconds: number }) => (mb / t.seconds).toFixed(0);
  console.log(`data: ${mb.toFixed(0)} MB of generated Velero logs (REDACT_BENCH_MB to change)`);
  console.log(`read only (baseline):        ${base.seconds.toFixed(2)} s  ${rate(base)} MB/s`);
  console.log(`redact (default redactors):  ${redact.seconds.toFixed(2)} s  ${rate(redact)} MB/s  ratio ${(redact.seconds / base.seconds).toFixed(2)}x the baseline  (CPU ${redact.cpu.toFixed(2)} s, ${(mb / redact.cpu).toFixed(0)} MB/s)`);
  console.log(`redact (+3 custom patterns): ${custom.seconds.toFixed(2)} s  ${rate(custom)} MB/s  ratio ${(custom.seconds / base.seconds).toFixed(2)}x the baseline  (CPU ${custom.cpu.toFixed(2)} s, ${(mb / custom.cpu).toFixed(0)} MB/s)`);
  const dump = join(dir, 'dump.yaml');
  await generate(dump, (TARGET_MB / 4) * 1024 * 1024, dumpLines());
  const dumpMb = (await stat(dump)).size / 1024 / 1024;
  await readOnly(dump);
  const dumpBase = await timed(() => readOnly(dump));
  const dumpRedact = await timed(() => redactAll(dump, 0, 'dump.yaml'));
  const dumpRate = (t: { seconds: number }) => (dumpMb / t.seconds).toFixed(0);
  console.log(`data: ${dumpMb.toFixed(0)} MB of a generated kubectl dump (Deployments, ConfigMaps, Secrets)`);
  console.log(`read only (baseline):        ${dumpBase.seconds.toFixed(2)} s  ${dumpRate(dumpBase)} MB/s`);
  console.log(`redact (default redactors):  ${dumpRedact.seconds.toFixed(2)} s  ${dumpRate(dumpRedact)} MB/s  ratio ${(dumpRedact.seconds / dumpBase.seconds).toFixed(2)}x the baseline  (CPU ${dumpRedact.cpu.toFixed(2)} s, ${(dumpMb / dumpRedact.cpu).toFixed(0)} MB/s)`);
  const blanks = Number(process.env.REDACT_BENCH_BLANKS ?? 100_000);
  console.log(`hostile lines of ${blanks} blanks (REDACT_BENCH_BLANKS to change), one redactText each:`);
  for (const [what, name, text] of hostileLines(blanks)) {
    const line = await timed(async () => createRedactor().redactText(text, name).length);
    console.log(`  ${what.padEnd(36)} ${(line.seconds * 1000).toFixed(1).padStart(8)} ms`);
  }
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
