// The redactors one by one: every secret kind in every syntax is masked, its key and the structure stay, and diagnosis data survives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedactor, MASK } from '../../src/redact/index.js';
import { ConfigError } from '../../src/errors.js';

const M = MASK;
// Plain text: in a .yaml file a mask that is a whole plain value is quoted (the YAML tests below).
const redact = (text: string, file = 'f.txt') => createRedactor().redactText(text, file);

/** [what, input, expected output] */
const CASES: [string, string, string][] = [
  // AWS
  ['access key id by shape in a log', 'msg="using key AKIAIOSFODNN7EXAMPLE"', `msg="using key ${M}"`],
  ['temporary access key id', 'id=ASIAY34FZKBOKMUTVV7A', `id=${M}`],
  ['cloud file id', 'aws_access_key_id=AKIAIOSFODNN7EXAMPLE', `aws_access_key_id=${M}`],
  ['cloud file secret with spaces', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `aws_secret_access_key = ${M}`],
  ['env var secret', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `AWS_SECRET_ACCESS_KEY=${M}`],
  ['session token', 'export AWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJH"', `export AWS_SESSION_TOKEN="${M}"`],
  ['JSON secret', '{"secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "region": "us-east-1"}', `{"secretAccessKey": "${M}", "region": "us-east-1"}`],
  ['YAML secret', '    secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `    secretAccessKey: ${M}`],
  [
    '40-char secret beside an access key id',
    'creds AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    `creds ${M} ${M}`,
  ],
  ['CLI flag with a space', 'velero plugin configure --secret-access-key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `velero plugin configure --secret-access-key ${M}`],
  // Azure
  ['Azure storage key env', 'AZURE_STORAGE_ACCOUNT_ACCESS_KEY=Zm9vYmFyYmF6cXV4Zm9vYmFy+/Zm9vYmFyYmF6cXV4==', `AZURE_STORAGE_ACCOUNT_ACCESS_KEY=${M}`],
  ['Azure client secret env', 'AZURE_CLIENT_SECRET=8Q~abc.DEF_ghi-JKL', `AZURE_CLIENT_SECRET=${M}`],
  [
    'AccountKey in a connection string',
    'DefaultEndpointsProtocol=https;AccountName=velerobackups;AccountKey=Zm9vYmFy+/Zm9v==;EndpointSuffix=core.windows.net',
    `DefaultEndpointsProtocol=https;AccountName=velerobackups;AccountKey=${M};EndpointSuffix=core.windows.net`,
  ],
  ['SAS signature in a URL', 'https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=abc%2Bdef%3D&se=2024', `https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=${M}&se=2024`],
  // GCP
  [
    'service-account JSON',
    '{"type": "service_account", "private_key_id": "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN\\n-----END PRIVATE KEY-----\\n", "client_email": "velero@proj.iam.gserviceaccount.com"}',
    `{"type": "service_account", "private_key_id": "${M}", "private_key": "${M}", "client_email": "velero@proj.iam.gserviceaccount.com"}`,
  ],
  [
    'service-account JSON escaped inside a JSON string',
    '{"cloud": "{\\"private_key_id\\": \\"1f2e3d4c\\", \\"private_key\\": \\"-----BEGIN PRIVATE KEY-----\\\\nMIIE\\\\n-----END PRIVATE KEY-----\\\\n\\"}"}',
    `{"cloud": "{\\"private_key_id\\": \\"${M}\\", \\"private_key\\": \\"${M}\\"}"}`,
  ],
  // URLs, connection strings, tokens
  ['URL password', 's3Url: https://velero:Sup3r-S3cret@minio.example.com:9000', `s3Url: https://velero:${M}@minio.example.com:9000`],
  ['postgres URL', 'DATABASE_URL=postgres://kots:pg-pa55@postgres:5432/kotsadm', `DATABASE_URL=postgres://kots:${M}@postgres:5432/kotsadm`],
  ['MySQL DSN', 'dsn root:My5ql-Pass@tcp(db:3306)/app', `dsn root:${M}@tcp(db:3306)/app`],
  ['ADO connection string', 'Server=db;Database=app;User ID=sa;Password=Ad0-Pass;', `Server=db;Database=app;User ID=sa;Password=${M};`],
  ['bearer header', 'Authorization: Bearer abcdef0123456789abcdef', `Authorization: Bearer ${M}`],
  ['basic header', '"authorization": "Basic dXNlcjpwYXNz"', `"authorization": "Basic ${M}"`],
  [
    'JWT anywhere',
    'token issued eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl ok',
    `token issued ${M} ok`,
  ],
  // restic / kopia
  ['RESTIC_PASSWORD env', 'RESTIC_PASSWORD=static-passw0rd', `RESTIC_PASSWORD=${M}`],
  ['KOPIA_PASSWORD env', 'KOPIA_PASSWORD="kopia pass"', `KOPIA_PASSWORD="${M}"`],
  ['repository-password key', '  repository-password: static-passw0rd', `  repository-password: ${M}`],
  // kubeconfig
  ['kubeconfig token', '    token: sha256~abcDEF123', `    token: ${M}`],
  ['kubeconfig client key', '    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==', `    client-key-data: ${M}`],
  ['kubeconfig client certificate stays', '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t', '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t'],
  // KOTS
  ['license id', 'licenseID: 2aBcDeFgHiJkLmNoPqRs', `licenseID: ${M}`],
  ['license_id in JSON', '{"license_id":"2aBcDeFgHiJkLmNoPqRs"}', `{"license_id":"${M}"}`],
  ['registry password', '{"registryHostname":"registry.example.com","registryPassword":"r3g!stry"}', `{"registryHostname":"registry.example.com","registryPassword":"${M}"}`],
  ['kotsadm registry flag', 'kubectl kots install app --registry-password=r3g!stry --registry-username=kots', `kubectl kots install app --registry-password=${M} --registry-username=kots`],
  // generic pairs
  ['logfmt password', 'level=error msg="login failed" password=hunter2 user=admin', `level=error msg="login failed" ${'password'}=${M} user=admin`],
  ['quoted logfmt token', 'token="abc def"', `token="${M}"`],
  ['escaped quotes in a logfmt message', 'msg="config: password=\\"p@ss\\" loaded"', `msg="config: password=\\"${M}\\" loaded"`],
  ['YAML secret', 'webhookSecret: "wh-s3cret"', `webhookSecret: "${M}"`],
  ['apiKey', 'apiKey: ak_live_0123456789', `apiKey: ${M}`],
  ['JSON number password', '{"password": 123456}', `{"password": ${M}}`],
  ['password in running text', 'connecting with password: Xy7#kLm9Q', `connecting with password: ${M}`],
  // env name/value forms
  ['env on one line', '{"name":"AWS_SECRET_ACCESS_KEY","value":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}', `{"name":"AWS_SECRET_ACCESS_KEY","value":"${M}"}`],
  ['env escaped inside last-applied-configuration', '"{\\"env\\":[{\\"name\\":\\"RESTIC_PASSWORD\\",\\"value\\":\\"p\\\\\\"w\\"}]}"', `"{\\"env\\":[{\\"name\\":\\"RESTIC_PASSWORD\\",\\"value\\":\\"${M}\\"}]}"`],
  ['env in YAML, two lines', '- name: AZURE_CLIENT_SECRET\n  value: 8Q~abc.DEF\n- name: AZURE_CLOUD_NAME\n  value: AzurePublicCloud', `- name: AZURE_CLIENT_SECRET\n  value: ${M}\n- name: AZURE_CLOUD_NAME\n  value: AzurePublicCloud`],
  ['env in JSON, two lines', '  "name": "KOPIA_PASSWORD",\n  "value": "kopia-pw"', `  "name": "KOPIA_PASSWORD",\n  "value": "${M}"`],
  ['env from a secret stays', '- name: AWS_SECRET_ACCESS_KEY\n  valueFrom:\n    secretKeyRef: {name: cloud-credentials, key: cloud}', '- name: AWS_SECRET_ACCESS_KEY\n  valueFrom:\n    secretKeyRef: {name: cloud-credentials, key: cloud}'],
  // multi-line
  [
    'PEM block',
    'ca: ok\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabcdef==\n-----END RSA PRIVATE KEY-----\nafter: ok',
    `ca: ok\n-----BEGIN RSA PRIVATE KEY-----\n${M}\n${M}\n-----END RSA PRIVATE KEY-----\nafter: ok`,
  ],
  [
    'a one-line PEM block, then one going on over the next lines',
    '-----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY----- -----BEGIN PRIVATE KEY-----def\nghi\n-----END PRIVATE KEY-----\nok',
    `-----BEGIN PRIVATE KEY-----${M}-----END PRIVATE KEY----- -----BEGIN PRIVATE KEY-----${M}\n${M}\n-----END PRIVATE KEY-----\nok`,
  ],
  ['PEM block in a YAML block scalar', 'key.pem: |\n  -----BEGIN EC PRIVATE KEY-----\n  MHcCAQEE\n  -----END EC PRIVATE KEY-----\nnext: 1', `key.pem: |\n  -----BEGIN EC PRIVATE KEY-----\n  ${M}\n  -----END EC PRIVATE KEY-----\nnext: 1`],
  ['block scalar under a secret key', 'password: |\n  line one\n  line two\nbucket: b', `password: |\n  ${M}\n  ${M}\nbucket: b`],
  ['certificate stays', '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----', '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----'],
  // Secret data, base64
  [
    'base64 cloud file in Secret data',
    `  cloud: ${Buffer.from('[default]\naws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n').toString('base64')}`,
    `  cloud: ${M}`,
  ],
  ['base64 docker config', `{".dockerconfigjson":"${Buffer.from('{"auths":{"r.io":{"auth":"dXNlcjpwYXNz"}}}').toString('base64')}"}`, `{".dockerconfigjson":"${M}"}`],
  // pre-signed URLs, in every encoding
  [
    'S3 pre-signed URL in Go JSON (& as \\u0026)',
    '"downloadURL": "https://velero-backups-prod.s3.amazonaws.com/backups/b1/b1-logs.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256\\u0026X-Amz-Credential=PLANTEDCRED%2F20240501%2Fus-east-1%2Fs3%2Faws4_request\\u0026X-Amz-Date=20240501T020000Z\\u0026X-Amz-Expires=600\\u0026X-Amz-Security-Token=FwoGZXIvYXdzEPl4nted\\u0026X-Amz-SignedHeaders=host\\u0026X-Amz-Signature=0a1b2c3d4e5f60718293"',
    `"downloadURL": "https://velero-backups-prod.s3.amazonaws.com/backups/b1/b1-logs.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256\\u0026X-Amz-Credential=${M}\\u0026X-Amz-Date=20240501T020000Z\\u0026X-Amz-Expires=600\\u0026X-Amz-Security-Token=${M}\\u0026X-Amz-SignedHeaders=host\\u0026X-Amz-Signature=${M}"`,
  ],
  [
    'GCS pre-signed URL in YAML',
    '  downloadURL: https://storage.googleapis.com/velero-gcs/b1.tar.gz?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=velero%40proj.iam.gserviceaccount.com%2F20240501%2Fauto&X-Goog-Date=20240501T020000Z&X-Goog-Signature=9f8e7d6c5b4a',
    `  downloadURL: https://storage.googleapis.com/velero-gcs/b1.tar.gz?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=${M}&X-Goog-Date=20240501T020000Z&X-Goog-Signature=${M}`,
  ],
  ['GCS V2 signed URL in a log', 'msg="GET https://storage.googleapis.com/b/o?GoogleAccessId=velero&Expires=1714530000&Signature=AbCd%2Bef%3D"', `msg="GET https://storage.googleapis.com/b/o?GoogleAccessId=velero&Expires=1714530000&Signature=${M}"`],
  ['Azure SAS in Go JSON', '{"url":"https://acct.blob.core.windows.net/c/b?sv=2022-11-02\\u0026se=2024-05-01\\u0026sig=AzS1g%2Bx%3D"}', `{"url":"https://acct.blob.core.windows.net/c/b?sv=2022-11-02\\u0026se=2024-05-01\\u0026sig=${M}"}`],
  ['Azure SAS with &amp; (HTML)', 'href="https://a.blob.core.windows.net/c?sv=1&amp;sig=AzS1g%2Bx%3D&amp;se=2"', `href="https://a.blob.core.windows.net/c?sv=1&amp;sig=${M}&amp;se=2"`],
  // env vars and flags named for a secret
  ['kotsadm SESSION_KEY on one line', '{"name":"SESSION_KEY","value":"s3ss10n-k3y-value"}', `{"name":"SESSION_KEY","value":"${M}"}`],
  ['kotsadm API_ENCRYPTION_KEY in YAML', '        - name: API_ENCRYPTION_KEY\n          value: IvWItkB8+ezMisPjSMBknT1PdKjBx7Xc', `        - name: API_ENCRYPTION_KEY\n          value: ${M}`],
  ['_KEY in pretty JSON', '    {\n        "name": "SESSION_KEY",\n        "value": "s3ss10n-k3y-value"\n    }', `    {\n        "name": "SESSION_KEY",\n        "value": "${M}"\n    }`],
  ['_CREDENTIALS env', 'GCP_CREDENTIALS=c2VjcmV0LWNyZWRz', `GCP_CREDENTIALS=${M}`],
  ['_PASSWD env', 'POSTGRES_PASSWD: pgpw-123', `POSTGRES_PASSWD: ${M}`],
  ['_TOKEN in describe output', '      VAULT_TOKEN:   hvs.CAESIPlanted', `      VAULT_TOKEN:   ${M}`],
  ['flag named -key, with =', 'args: ["--encryption-key=0123abcd", "--namespace=velero"]', `args: ["--encryption-key=${M}", "--namespace=velero"]`],
  ['flag and value as two args', '        - --api-token\n        - t0ken-value\n        - --namespace\n        - velero', `        - --api-token\n        - ${M}\n        - --namespace\n        - velero`],
  ['flag and value as two args in JSON', 'args: ["--api-token", "t0ken-value", "--namespace", "velero"]', `args: ["--api-token", "${M}", "--namespace", "velero"]`],
  ['flag named -key, with a space', '/kotsadm api --session-key 0123abcd --port 3000', `/kotsadm api --session-key ${M} --port 3000`],
  // troubleshoot secret collector with includeValue
  [
    'secret collector value',
    '{\n  "namespace": "velero",\n  "name": "cloud-credentials",\n  "key": "cloud",\n  "secretExists": true,\n  "keyExists": true,\n  "value": "{\\"type\\": \\"plain\\"}"\n}',
    `{\n  "namespace": "velero",\n  "name": "cloud-credentials",\n  "key": "cloud",\n  "secretExists": true,\n  "keyExists": true,\n  "value": "${M}"\n}`,
  ],
  ['secret collector value, compact', '{"namespace":"velero","name":"repo","key":"p","secretExists":true,"keyExists":true,"value":"static"}', `{"namespace":"velero","name":"repo","key":"p","secretExists":true,"keyExists":true,"value":"${M}"}`],
  ['a random value in a flow map keeps the closing bracket', 'opts: {token: abcDEF123456}', `opts: {token: ${M}}`],
  ['CR LF line ends are kept', 'password=abc\r\nok=1\r\n', `password=${M}\r\nok=1\r\n`],
];

for (const [what, input, expected] of CASES) {
  test(`redacts: ${what}`, () => {
    assert.equal(redact(input), expected);
  });
}

/** Lines from real Velero logs and objects that hold no secret and must come out byte for byte. */
const NOT_SECRETS = [
  // AccessDenied from S3 with its request id and host id (velero#2587-style message)
  'time="2024-05-01T10:00:00Z" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = AccessDenied: Access Denied\\n\\tstatus code: 403, request id: 4Q8NXK3QZ1B2C3D4, host id: vT0dG0lrbmp0QkZ1T3hKb2ZpN2h5dGxHbEJpN0p3dHZYQkFEMkxpMmxWRkVzOFh4eGNaUT0=" error.file="/go/src/velero-plugin-for-aws/object_store.go:270" logSource="pkg/controller/backup_sync_controller.go:98"',
  'time="2024-05-01T10:00:00Z" level=info msg="Restic backup completed" backup=velero/daily-20240501020000 pvb=daily-20240501020000-x7k2p snapshotID=5f5e5d3ab7d6a4c4e0f0a8c4b2e3f1d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3',
  '    image: velero/velero@sha256:5f5e5d3ab7d6a4c4e0f0a8c4b2e3f1d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3',
  '    uid: 0b6c8a9e-1f2d-4c3b-9a8e-7d6c5b4a3f2e',
  '  "resourceVersion": "123456789",',
  '    commit: 9bf0fd4c3a5d7b1b2a1b0c9d8e7f6a5b4c3d2e1f',
  'Velero-Native Snapshots: <none included>',
  '  credential:',
  '    key: cloud',
  '    name: cloud-credentials',
  '        - name: AWS_SHARED_CREDENTIALS_FILE\n          value: /credentials/cloud',
  '      secretName: cloud-credentials',
  '  serviceAccountName: velero',
  '  automountServiceAccountToken: true',
  'time="2024-05-01T10:00:00Z" level=error msg="Error uploading log file" bucket=velero-backups-prod-us-east-1 error="NoSuchBucket: The specified bucket does not exist" prefix=cluster-a region=us-east-1',
  'time="2024-05-01T10:00:00Z" level=error msg="pod volume backup failed: error running restic backup: signal: killed" backup=velero/nightly-20240501 logSource="pkg/podvolume/backupper.go:250"',
  'Phase:  PartiallyFailed (run `velero backup logs nightly-20240501` for more information)',
  'Storage Location:  default',
  'Started:    2024-05-01 02:00:00 +0000 UTC',
  '{"level":"error","msg":"failed to get token for the repository","error":"unable to get credentials: SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method.","time":"2024-05-01T10:00:00Z"}',
  'x509: certificate signed by unknown authority',
  'Error: secrets "cloud-credentials" not found',
  '  "s3Url": "https://s3.us-west-2.amazonaws.com",',
  '        - --default-backup-storage-location=default',
  'installed with --no-secret (IRSA) and --no-default-token since 1.14',
  '  - name: GOOGLE_APPLICATION_CREDENTIALS\n    value: /credentials/cloud',
  '{"name":"AWS_SHARED_CREDENTIALS_FILE","value":"/credentials/cloud"}',
  '    velero.io/storage-location: default',
  '  "annotations": {"velero.io/source-cluster-k8s-gitversion": "v1.29.4"},',
  'time="2024-05-01T10:00:00Z" level=info msg="found key" key=backups/daily/velero-backup.json object_key=backups/daily',
  '{\n  "namespace": "velero",\n  "name": "cloud-credentials",\n  "key": "cloud",\n  "secretExists": true,\n  "keyExists": true\n}\n{"value": "a-configmap-value"}',
  '  downloadURL: https://velero-backups-prod.s3.amazonaws.com/backups/b1/b1-logs.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240501T020000Z&X-Amz-Expires=600',
];

test('no false positives on realistic Velero logs, objects and describe output', () => {
  const redactor = createRedactor();
  for (const line of NOT_SECRETS) assert.equal(redactor.redactText(line, 'x.json'), line);
  assert.equal(redactor.summary().total, 0);
});

test('redaction is idempotent and the second pass counts nothing', () => {
  const once = redact(CASES.map((c) => c[1]).join('\n'));
  const redactor = createRedactor();
  assert.equal(redactor.redactText(once, 'f.txt'), once);
  assert.equal(redactor.summary().total, 0);
});

test('the tally counts per redactor and per file, never the secret', () => {
  const redactor = createRedactor();
  redactor.redactText('password=one\ntoken=two\npassword=three', 'a.log');
  redactor.redactText('RESTIC_PASSWORD=four', 'b.env');
  redactor.redactText('evidence: password=five');
  const summary = redactor.summary();
  assert.equal(summary.total, 5);
  assert.deepEqual(summary.redactions, [
    { redactor: 'password', file: '(report)', count: 1 },
    { redactor: 'password', file: 'a.log', count: 2 },
    { redactor: 'token', file: 'a.log', count: 1 },
    { redactor: 'repository-password', file: 'b.env', count: 1 },
  ]);
  assert.deepEqual(summary.byRedactor, { password: 3, 'repository-password': 1, token: 1 });
  const json = JSON.stringify(summary);
  for (const secret of ['one', 'two', 'three', 'four', 'five']) assert.doesNotMatch(json, new RegExp(`\\b${secret}\\b`));
});

test('custom patterns: the mask group masks a part, otherwise the whole match', () => {
  const redactor = createRedactor({
    patterns: [
      { name: 'customer-id', regex: 'customer-(?<mask>[0-9]{6})' },
      { name: 'internal-host', regex: '[a-z0-9-]+\\.corp\\.example', flags: 'i' },
    ],
  });
  assert.equal(redactor.redactText('ticket for customer-123456 at DB-1.CORP.EXAMPLE', 'x.log'), `ticket for customer-${M} at ${M}`);
  assert.deepEqual(redactor.summary().byRedactor, { 'customer-id': 1, 'internal-host': 1 });
  assert.match(redactor.summary().redactors['customer-id'] ?? '', /custom pattern/);
});

test('custom patterns that do not compile, or match nothing at all, are config errors', () => {
  assert.throws(() => createRedactor({ patterns: [{ name: 'bad', regex: '(' }] }, { configFile: 'sd.yaml' }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^sd\.yaml: redaction\.patterns\[0\] \(bad\): invalid regex/);
    return true;
  });
  assert.throws(() => createRedactor({ patterns: [{ name: 'empty', regex: 'x*' }] }), ConfigError);
});

test('streams: byte-exact outside masks, secrets across chunk boundaries, invalid UTF-8 and NULs kept', async () => {
  const text = Buffer.concat([
    Buffer.from('first line ünïcödé\n'),
    Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]),
    Buffer.from('level=info password=split-across-chunks user=x\n'),
    Buffer.from('no newline at the end: token=tail-secret'),
  ]);
  for (const size of [1, 3, 7, 64, text.length]) {
    const redactor = createRedactor();
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
    const out: Buffer[] = [];
    for await (const chunk of redactor.redactStream(chunks, 'x.log')) out.push(chunk);
    const expected = Buffer.concat([
      Buffer.from('first line ünïcödé\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]),
      Buffer.from(`level=info password=${M} user=x\n`),
      Buffer.from(`no newline at the end: token=${M}`),
    ]);
    assert.deepEqual(Buffer.concat(out), expected, `chunk size ${size}`);
    assert.equal(redactor.summary().total, 2);
  }
});

test('streams: a chunk without a candidate passes through as the same buffer', async () => {
  const chunk = Buffer.from('time="2024-05-01T10:00:00Z" level=info msg="Backup completed" backup=velero/b1\n'.repeat(100));
  const out: Buffer[] = [];
  for await (const c of createRedactor().redactStream([chunk], 'x.log')) out.push(c);
  assert.equal(out.length, 1);
  assert.equal(out[0], chunk);
});

test('streams: a line of many MB is redacted in bounded pieces', async () => {
  const filler = 'a'.repeat(1024 * 1024);
  async function* source() {
    yield Buffer.from('password=start-secret ');
    for (let i = 0; i < 20; i++) yield Buffer.from(`${filler} `);
    yield Buffer.from('token=end-secret\n');
  }
  const redactor = createRedactor();
  let bytes = 0;
  let maxChunk = 0;
  let text = '';
  for await (const chunk of redactor.redactStream(source(), 'huge.log')) {
    bytes += chunk.length;
    maxChunk = Math.max(maxChunk, chunk.length);
    if (chunk.length < 4096 || text.length < 100) text += chunk.toString('latin1', 0, 64) + chunk.toString('latin1', Math.max(0, chunk.length - 64));
  }
  assert.ok(maxChunk <= 2 * 1024 * 1024, `pieces stay small (largest ${maxChunk})`);
  assert.equal(redactor.summary().total, 2);
  assert.equal(bytes, 22 + 20 * (1024 * 1024 + 1) + `token=${M}\n`.length + (`password=${M} `.length - 22));
});

// A regex quadratic in a run of blanks takes minutes on each of these lines (bench/README.md has the figures).
test('hostile lines: long runs of blanks and tabs, many PEM block starts, are redacted as short ones', () => {
  const b = ' '.repeat(256 * 1024);
  const t = ' \t'.repeat(128 * 1024);
  const cases: [string, string][] = [
    [`password${b}`, `password${b}`],
    [`password${t}:${b}`, `password${t}:${b}`],
    [`password: a${b}`, `password: ${M}${b}`],
    [`password: a${t}b`, `password: ${M}`],
    [`  - password:${t}value${t}`, `  - password:${t}${M}${t}`],
    [`"password"${b}:${t}x`, `"password"${b}:${t}${M}`],
    [`env:\n- name: AWS_SECRET_ACCESS_KEY\n  value: a${b}b\n`, `env:\n- name: AWS_SECRET_ACCESS_KEY\n  value: ${M}\n`],
    [`env:\n- name: AWS_SECRET_ACCESS_KEY\n  value: "a${t}b"${t},\n`, `env:\n- name: AWS_SECRET_ACCESS_KEY\n  value: "${M}"${t},\n`],
    [`kind: Secret\ndata:\n  k${t}x\n  cloud: YWJj\n`, `kind: Secret\ndata:\n  k${t}x\n  cloud: ${M}\n`],
    [`kind: Secret\ndata:\n  "k"${t}:${b}abc${t}\n`, `kind: Secret\ndata:\n  "k"${t}:${b}${M}${t}\n`],
    // Many block starts and no end: each block ends where the next begins.
    ['-----BEGIN PRIVATE KEY-----abc'.repeat(10_000), `-----BEGIN PRIVATE KEY-----${M}`.repeat(10_000)],
  ];
  for (const [index, [input, expected]] of cases.entries()) assert.ok(redact(input) === expected, `case ${index}`);
});

/** [input, expected] in a .yaml file: a whole plain value masked is quoted, or YAML reads `***…` as an alias. */
const YAML_CASES: [string, string][] = [
  ['password: abc', `password: "${M}"`],
  ['  - password: abc', `  - password: "${M}"`],
  ['"password": abc', `"password": "${M}"`],
  ['metadata:\n  annotations:\n    kots.io/license-id: 2ViJxPlantedLicense\n  name: daily', `metadata:\n  annotations:\n    kots.io/license-id: "${M}"\n  name: daily`],
  ['env:\n- name: AWS_SECRET_ACCESS_KEY\n  value: abc', `env:\n- name: AWS_SECRET_ACCESS_KEY\n  value: "${M}"`],
  ['args:\n- --api-token\n- abc', `args:\n- --api-token\n- "${M}"`],
  // Near misses: already quoted, or the mask is not the whole value.
  ['password: "abc"', `password: "${M}"`],
  ["password: 'abc'", `password: '${M}'`],
  ['s3Url: https://velero:Pl4nted@minio.example.com:9000', `s3Url: https://velero:${M}@minio.example.com:9000`],
  ['Authorization: Bearer abcdefgh12345678', `Authorization: Bearer ${M}`],
  ['msg: "token: abcDEF123456"', `msg: "token: ${M}"`],
];

test('YAML files: a mask that is a whole plain value is quoted, so the file still parses', async () => {
  const { parseAllDocuments } = await import('yaml');
  for (const [input, expected] of YAML_CASES) {
    const output = redact(input, 'dump.yaml');
    assert.equal(output, expected);
    const docs = parseAllDocuments(output);
    for (const doc of Array.isArray(docs) ? docs : [docs]) assert.doesNotThrow(() => doc.toJS(), output);
    assert.equal(redact(output, 'dump.yaml'), output, 'a second pass changes nothing');
  }
  // The same line in plain text keeps the bare mask.
  assert.equal(redact('password: abc', 'describe.txt'), `password: ${M}`);
});
