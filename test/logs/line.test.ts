// Velero log-line parsing on real lines quoted from public issues (cited beside each), and on the paste hazards they show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLevel, parseLogLine } from '../../src/logs/line.js';

// velero#6439 (Velero 1.11, aws plugin SDK v1): server log, BSL credential failure.
const NO_CREDENTIALS =
  'time="2023-06-29T16:52:00Z" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = NoCredentialProviders: no valid providers in chain. Deprecated.\\n\\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors" error.file="/go/src/velero-plugin-for-aws/velero-plugin-for-aws/volume_snapshotter.go:62" error.function=main.getSession logSource="pkg/controller/backup_sync_controller.go:100"';

// velero#5623 (Velero 1.9.3): backup log, file-system backup timeout.
const FSB_TIMEOUT =
  'time="2022-11-22T16:27:25Z" level=error msg="Error backing up item" backup=velero/jira-prod-backup-platform-20221122 error="timed out waiting for all PodVolumeBackups to complete" error.file="/go/src/github.com/vmware-tanzu/velero/pkg/restic/backupper.go:192" error.function="github.com/vmware-tanzu/velero/pkg/restic.(*backupper).BackupPodVolumes" logSource="pkg/backup/backup.go:417" name=jira-0';

// velero#5068 (Velero 1.8.1): restore log, webhook failure with escaped quotes.
const WEBHOOK =
  'time="2022-07-01T09:53:54Z" level=error msg="error restoring gitlab: Internal error occurred: failed calling webhook \\"validate.nginx.ingress.kubernetes.io\\": Post \\"https://ingress-nginx-controller-admission.ethan.svc:443/networking/v1beta1/ingresses?timeout=10s\\": service \\"ingress-nginx-controller-admission\\" not found" logSource="pkg/restore/restore.go:1287" restore=velero/restore-v1.8.1';

// vmware-tanzu/helm-charts#578 (aws plugin SDK v2): BSL validation summary.
const BSL_SUMMARY =
  'time="2024-05-18T07:35:24Z" level=error msg="Current BackupStorageLocations available/unavailable/unknown: 0/1/0, BackupStorageLocation \\"minio\\" is unavailable: rpc error: code = Unknown desc = operation error S3: ListObjectsV2, https response error StatusCode: 403, RequestID: 17D0850741E9E650, HostID: dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8, api error AllAccessDisabled: All access to this resource has been disabled.)" controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:178"';

// velero#8723 (--log-format=json).
const JSON_LINE =
  '{"backup":"infra-velero/velero-cluster-full-backups-20250224013036","level":"error","logSource":"pkg/podvolume/backupper.go:372","msg":"timed out waiting for all PodVolumeBackups to complete","time":"2025-02-24T23:19:25Z"}';

// velero#8222: node-agent log with a log aggregator's `pod container ` prefix.
const AGGREGATED =
  'node-agent-xzxgq node-agent time="2024-10-09T02:15:11Z" level=info msg="Exposed snapshot is ready and creating data path routine" controller=dataupload dataupload=velero/daily-bkp-20241009020033-4m5h5 logSource="pkg/controller/data_upload_controller.go:258"';

test('logfmt: time, level, msg, error with \\n\\t sequences, error.file, logSource, controller', () => {
  const p = parseLogLine(NO_CREDENTIALS);
  assert.equal(p.format, 'logfmt');
  assert.equal(p.time, '2023-06-29T16:52:00Z');
  assert.equal(p.level, 'error');
  assert.equal(p.msg, 'Error getting backup store for this location');
  assert.equal(
    p.error,
    'rpc error: code = Unknown desc = NoCredentialProviders: no valid providers in chain. Deprecated.\n\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors',
  );
  assert.equal(p.errorFile, '/go/src/velero-plugin-for-aws/velero-plugin-for-aws/volume_snapshotter.go:62');
  assert.equal(p.logSource, 'pkg/controller/backup_sync_controller.go:100');
  assert.equal(p.controller, 'backup-sync');
  assert.equal(p.fields.backupLocation, 'velero/default');
  assert.equal(p.fields['error.function'], 'main.getSession');
});

test('logfmt: backup field, quoted function names with parentheses and stars, trailing unquoted value', () => {
  const p = parseLogLine(FSB_TIMEOUT);
  assert.equal(p.backup, 'velero/jira-prod-backup-platform-20221122');
  assert.equal(p.error, 'timed out waiting for all PodVolumeBackups to complete');
  assert.equal(p.fields['error.function'], 'github.com/vmware-tanzu/velero/pkg/restic.(*backupper).BackupPodVolumes');
  assert.equal(p.fields.name, 'jira-0');
});

test('logfmt: escaped quotes inside msg are decoded, restore field read after them', () => {
  const p = parseLogLine(WEBHOOK);
  assert.match(p.msg ?? '', /failed calling webhook "validate\.nginx\.ingress\.kubernetes\.io": Post "https:/);
  assert.match(p.msg ?? '', /service "ingress-nginx-controller-admission" not found$/);
  assert.equal(p.restore, 'velero/restore-v1.8.1');
  assert.equal(p.logSource, 'pkg/restore/restore.go:1287');
});

test('logfmt: a message holding "=" and quoted names does not split into fields', () => {
  const p = parseLogLine(BSL_SUMMARY);
  assert.match(p.msg ?? '', /^Current BackupStorageLocations available\/unavailable\/unknown: 0\/1\/0, BackupStorageLocation "minio" is unavailable: .*AllAccessDisabled/);
  assert.equal(p.controller, 'backup-storage-location');
  assert.deepEqual(Object.keys(p.fields), ['time', 'level', 'msg', 'controller', 'logSource']);
});

test('json: --log-format=json lines, with error.message as the error', () => {
  const p = parseLogLine(JSON_LINE);
  assert.equal(p.format, 'json');
  assert.equal(p.backup, 'infra-velero/velero-cluster-full-backups-20250224013036');
  assert.equal(p.level, 'error');
  assert.equal(p.time, '2025-02-24T23:19:25Z');
  const withError = parseLogLine(
    '{"error.file":"/go/src/github.com/vmware-tanzu/velero/pkg/repository/provider/unified_repo.go:190","error.message":"error to connect repo: repository not initialized","level":"warning","msg":"Failed to ensure repository","time":"2025-01-02T03:04:05Z","count":3}',
  );
  assert.equal(withError.error, 'error to connect repo: repository not initialized');
  assert.equal(withError.errorFile, '/go/src/github.com/vmware-tanzu/velero/pkg/repository/provider/unified_repo.go:190');
  assert.equal(withError.level, 'warning');
  assert.equal(withError.fields.count, '3');
});

test('json: a truncated line keeps the members read before the cut', () => {
  const p = parseLogLine(JSON_LINE.slice(0, 120));
  assert.equal(p.format, 'json');
  assert.equal(p.backup, 'infra-velero/velero-cluster-full-backups-20250224013036');
  assert.equal(p.level, 'error');
  assert.equal(p.fields.logSource, 'pkg/podvolume/backupper');
  const cutInString = parseLogLine('{"level":"error","msg":"timed out waiting for all Pod');
  assert.equal(cutInString.level, 'error');
  assert.equal(cutInString.msg, 'timed out waiting for all Pod');
});

test('prefixes: aggregator pod and container, kubectl --timestamps, timestamp with no separator, stern brackets', () => {
  const agg = parseLogLine(AGGREGATED);
  assert.equal(agg.format, 'logfmt');
  assert.equal(agg.controller, 'dataupload');
  assert.equal(agg.fields.dataupload, 'velero/daily-bkp-20241009020033-4m5h5');
  assert.equal(agg.fields['node-agent-xzxgq'], undefined);

  const stamped = parseLogLine(`2023-06-29T16:52:00.123456789Z ${NO_CREDENTIALS}`);
  assert.equal(stamped.time, '2023-06-29T16:52:00Z');
  assert.equal(stamped.controller, 'backup-sync');

  const glued = parseLogLine('2024-01-11 00:12:46.776071-05:00time="2024-01-11T05:12:46Z" level=warning msg="x"');
  assert.equal(glued.time, '2024-01-11T05:12:46Z');
  assert.equal(glued.level, 'warning');

  const stern = parseLogLine('[velero-6d8c9 velero] time="2024-01-11T05:12:46Z" level=info msg="Backup completed" backup=velero/b1');
  assert.equal(stern.backup, 'velero/b1');

  const timestampOnly = parseLogLine('2024-03-01T10:00:00.5Z level=info msg=started');
  assert.equal(timestampOnly.time, '2024-03-01T10:00:00.5Z');
  assert.equal(timestampOnly.msg, 'started');
});

test('keys with spaces: kopia `logger name`, controller-runtime `worker count`', () => {
  const kopia = parseLogLine(
    'time="2024-02-01T10:00:00Z" level=error msg="error to connect to repo" logModule=kopia/kopia/format logSource="pkg/kopia/kopia_log.go:101" logger name="[shared-manager]" sublevel=error',
  );
  assert.equal(kopia.fields['logger name'], '[shared-manager]');
  assert.equal(kopia.fields.sublevel, 'error');
  assert.equal(kopia.fields.logModule, 'kopia/kopia/format');
  const workers = parseLogLine(
    'time="2024-02-01T10:00:00Z" level=info msg="Starting workers" controller=backup controllerGroup=velero.io controllerKind=Backup logSource="/go/pkg/mod/github.com/bombsimon/logrusr/v3@v3.0.0/logrusr.go:108" worker count=1',
  );
  assert.equal(workers.fields['worker count'], '1');
  assert.equal(workers.fields.controllerKind, 'Backup');
});

test('truncated logfmt: an unterminated quoted value keeps its text', () => {
  const p = parseLogLine(NO_CREDENTIALS.slice(0, 200));
  assert.equal(p.level, 'error');
  assert.equal(p.controller, 'backup-sync');
  assert.equal(p.error, 'rpc error: code = Unknown desc = NoCredentialProv');
});

test('escapes: \\\\ and \\x, \\u sequences; unknown escapes kept', () => {
  const p = parseLogLine('level=info msg="C:\\\\path \\x41 \\u00e9 \\q"');
  assert.equal(p.msg, 'C:\\path A é \\q');
});

test('levels are normalized', () => {
  assert.equal(parseLogLine('time="2024-01-01T00:00:00Z" level=warn msg=x').level, 'warning');
  assert.equal(parseLogLine('{"level":"WARNING","msg":"x"}').level, 'warning');
  assert.equal(normalizeLevel('panic'), 'fatal');
  assert.equal(normalizeLevel('Info'), 'info');
});

test('plain text lines (describe output, stack traces) have no fields', () => {
  const p = parseLogLine('  Velero:   name: /mysql-0 message: /Error backing up item error: /timed out');
  assert.equal(p.format, 'text');
  assert.deepEqual(p.fields, {});
  assert.equal(parseLogLine('').format, 'text');
  assert.equal(parseLogLine('runtime=go1.21 something').format, 'text');
});

test('a logfmt line holding JSON in a value stays logfmt', () => {
  const p = parseLogLine('time="2024-01-01T00:00:00Z" level=error msg="restic stderr" stdout="{\\"message_type\\":\\"summary\\"}" backup=velero/b');
  assert.equal(p.format, 'logfmt');
  assert.equal(p.fields.stdout, '{"message_type":"summary"}');
  assert.equal(p.backup, 'velero/b');
});
