// Every evidence line and message of a report is redacted: a log line that fires a rule and carries secrets shows them masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analyze.js';
import { formatReport, FORMAT_NAMES } from '../../src/formatters/index.js';
import { MASK } from '../../src/redact/index.js';
import { runCli } from '../support/cli.js';

const KEY_ID = 'AKIAZ3PLANTED0000002';
const SECRET = 'pLaNtEd/AwsSecret+Key0123456789abcdefXYZ';
const PASSWORD = 'planted-evidence-passw0rd';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJwbGFudGVkIjoiZXZpZGVuY2UifQ.PlantedEvidenceSig_123';
const AMZ_SIGNATURE = '7a1b2c3d4e5f6071evidence';
const AMZ_CREDENTIAL = 'PLANTEDEVIDENCECRED';
const SESSION_KEY = 'planted-evidence-session-key';
const SECRETS = [KEY_ID, SECRET, PASSWORD, TOKEN, AMZ_SIGNATURE, AMZ_CREDENTIAL, SESSION_KEY];

// The message shape of velero-plugin-for-aws when the key id is unknown (as in velero#2587), with secrets added to the line.
const LOG = [
  'time="2024-05-01T02:00:00Z" level=info msg="Starting Velero server v1.13.2" logSource="pkg/cmd/server/server.go:236"',
  `time="2024-05-01T02:00:02Z" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.\\n\\tstatus code: 403, request id: 4Q8NXK3QZ1B2C3D4 (key ${KEY_ID}, secret_access_key=${SECRET}, password=${PASSWORD}, Authorization: Bearer ${TOKEN}, GET https://velero-backups-prod.s3.amazonaws.com/b?X-Amz-Credential=${AMZ_CREDENTIAL}%2F20240501\\u0026X-Amz-Signature=${AMZ_SIGNATURE}, SESSION_KEY=${SESSION_KEY})" logSource="pkg/controller/backup_sync_controller.go:98"`,
  '',
].join('\n');

test('a finding whose evidence line carries secrets shows them masked, in every format', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sd-evidence-'));
  try {
    const log = join(dir, 'velero.log');
    await writeFile(log, LOG);
    const report = await analyze(log, { now: new Date('2024-05-01T03:00:00Z') });
    const finding = report.findings.find((f) => f.ruleId === 'objstore-access-denied');
    assert.ok(finding, `objstore-access-denied fires on the line (findings: ${report.findings.map((f) => f.ruleId).join(', ')})`);
    const evidence = finding.evidence.map((e) => e.text).join('\n');
    assert.match(evidence, /InvalidAccessKeyId/, 'the diagnosis stays readable');
    assert.ok(evidence.includes(MASK), 'the evidence shows the mask');
    for (const format of FORMAT_NAMES) {
      const text = formatReport(report, format, {});
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${format} report holds no ${secret}`);
    }
    const cli = await runCli(['analyze', log, '--format', 'json', '--fail-on', 'none']);
    for (const secret of SECRETS) assert.ok(!cli.stdout.includes(secret), `CLI output holds no ${secret}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// Status messages and failure reasons reach the report's details (the HTML and JSON formats, diff) as the input wrote them.
const OBJECTS = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: { name: 'default', namespace: 'velero' },
      spec: { provider: 'aws', objectStorage: { bucket: 'velero-backups-prod' }, config: { region: 'us-east-1' } },
      status: {
        phase: 'Unavailable',
        message: `BackupStorageLocation "default" is unavailable: rpc error: code = Unknown desc = AccessDenied: Access Denied (GET https://velero:${PASSWORD}@minio.example.com/velero-backups-prod?X-Amz-Credential=${AMZ_CREDENTIAL}&X-Amz-Signature=${AMZ_SIGNATURE})`,
      },
    },
    { apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'daily-1', namespace: 'velero' }, spec: { storageLocation: 'default' }, status: { phase: 'Failed', failureReason: `plugin exited: SESSION_KEY=${SESSION_KEY}` } },
    {
      apiVersion: 'velero.io/v1',
      kind: 'BackupRepository',
      metadata: { name: 'app-default-kopia', namespace: 'velero' },
      spec: { repositoryType: 'kopia', backupStorageLocation: 'default', volumeNamespace: 'app' },
      status: { phase: 'NotReady', message: `error to connect repo with storage: kopia repository connect s3 --access-key=${KEY_ID} --secret-access-key=${SECRET}` },
    },
  ],
};

test("objects' status messages and failure reasons are masked in the report's details, in every format", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sd-details-'));
  try {
    const input = join(dir, 'objects.json');
    await writeFile(input, JSON.stringify(OBJECTS, null, 2));
    const report = await analyze(input, { now: new Date('2024-05-01T03:00:00Z') });
    const location = report.details.locations.find((l) => l.name === 'default');
    assert.match(location?.message ?? '', /AccessDenied: Access Denied/, 'the message still reads');
    assert.ok(location?.message?.includes(MASK), 'and shows the mask');
    for (const format of FORMAT_NAMES) {
      const text = formatReport(report, format, {});
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${format} report holds no ${secret}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
