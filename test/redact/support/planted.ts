// Bundles of every supported format with secrets of every kind planted in every file type, and the values to search for afterwards.
import { mkdir, writeFile, symlink, readdir, readFile, lstat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';

/** Every planted value, by kind. Each is unique, so that a search for it can only find a leak. */
export const SECRETS = {
  awsKeyId: 'AKIAZ3PLANTED0000001',
  awsSecret: 'pLaNtEd/AwsSecret+Key0123456789abcdefGHI',
  awsSessionToken: 'IQoJb3JpZ2luPlantedSessionToken0001',
  azureStorageKey: 'PlantedAzureStorageKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW+/12==',
  azureClientSecret: 'pl4nted~Azure.Client_Secret-Value',
  gcpPrivateKeyId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0plant3d1',
  gcpPrivateKeyBody: 'MIIEvPLANTEDgcpPrivateKeyBodyAAAAbbbbCCCC',
  urlPassword: 'Pl4ntedUrlPassw0rd',
  dsnPassword: 'Pl4ntedDsnPassw0rd',
  bearer: 'plantedBearerToken0123456789',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJwbGFudGVkIjoiand0LXBsYW50ZWQifQ.PlantedJwtSignature_abc-123',
  resticPassword: 'planted-restic-passw0rd',
  kopiaPassword: 'planted-kopia-passw0rd',
  repositoryPassword: 'planted-repository-passw0rd',
  kubeToken: 'planted.kubeconfig-token.value123',
  clientKeyData: Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nPLANTEDclientKeyData\n-----END RSA PRIVATE KEY-----\n').toString('base64'),
  pemBody: 'MIIBPLANTEDpemBodyLine0001abcdefghijklmnop',
  registryPassword: 'planted-registry-pw!',
  licenseId: 'PlantedLicenseId12345',
  genericPassword: 'planted-generic-password',
  genericToken: 'planted-generic-token-99',
  genericSecret: 'planted-generic-secret-77',
  apiKey: 'planted-api-key-55',
  // Pre-signed URLs: each part a redactor must find by its query parameter, not by its shape.
  amzCredential: 'PLANTEDAMZCRED1',
  amzSignature: '7a1b2c3d4e5f60718293a4b5c6d7e8f9planted1',
  amzSecurityToken: 'FwoGZXIvYXdzEPlantedSecurityToken0002',
  googCredential: 'planted-goog-credential',
  googSignature: '5e6f7a8b9c0dplantedgoogsig',
  googV2Signature: 'PlantedGoogV2Sig',
  azureSas: 'PlantedAzureSasSig',
  // Env vars and flags named for a secret (kotsadm's).
  sessionKey: 'planted-kotsadm-session-key',
  apiEncryptionKey: 'PlantedApiEncryptionKey0123456789abc',
  flagKey: 'planted-flag-key-value',
  flagToken: 'planted-flag-token-value',
  envCredentials: 'planted-env-credentials-value',
  // troubleshoot's secret collector with includeValue.
  collectorValue: 'planted-secret-collector-value',
  // Secret objects: values under keys that say nothing (only the object's kind says they are secrets).
  opaqueData: 'planted-opaque-secret-data',
  opaqueTlsKey: 'planted-opaque-tls-key-bytes',
  lastAppliedValue: 'planted last-applied stringData words',
  // Secret objects whose data maps are written in flow style (`data: {a: b}`), JSON in YAML, or on one line of pretty JSON.
  flowData: 'planted-flow-style-data',
  flowStringData: 'planted flow stringData words',
  flowJsonInYaml: 'planted-json-in-yaml-data',
  flowWholeObject: 'planted-whole-flow-object',
  flowPrettyJson: 'planted-pretty-json-one-line-map',
} as const;

const S = SECRETS;

/** Files whose base64 form is planted too (Secret data): their encodings must be gone as well. */
const AWS_CLOUD_FILE = `[default]\naws_access_key_id=${S.awsKeyId}\naws_secret_access_key=${S.awsSecret}\n`;
const AZURE_CLOUD_FILE = [
  'AZURE_SUBSCRIPTION_ID=00000000-1111-2222-3333-444444444444',
  'AZURE_TENANT_ID=55555555-6666-7777-8888-999999999999',
  'AZURE_CLIENT_ID=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  `AZURE_CLIENT_SECRET=${S.azureClientSecret}`,
  'AZURE_RESOURCE_GROUP=velero-rg',
  'AZURE_CLOUD_NAME=AzurePublicCloud',
  `AZURE_STORAGE_ACCOUNT_ACCESS_KEY=${S.azureStorageKey}`,
  '',
].join('\n');
const GCP_KEY = {
  type: 'service_account',
  project_id: 'velero-proj',
  private_key_id: S.gcpPrivateKeyId,
  private_key: `-----BEGIN PRIVATE KEY-----\n${S.gcpPrivateKeyBody}\n-----END PRIVATE KEY-----\n`,
  client_email: 'velero@velero-proj.iam.gserviceaccount.com',
  client_id: '123456789012345678901',
};
const GCP_FILE = `${JSON.stringify(GCP_KEY, null, 2)}\n`;
const DOCKER_CONFIG = JSON.stringify({ auths: { 'registry.example.com': { username: 'kots', password: S.registryPassword, auth: Buffer.from(`kots:${S.registryPassword}`).toString('base64') } } });

export const ENCODED = {
  awsCloudFile: Buffer.from(AWS_CLOUD_FILE).toString('base64'),
  azureCloudFile: Buffer.from(AZURE_CLOUD_FILE).toString('base64'),
  gcpFile: Buffer.from(GCP_FILE).toString('base64'),
  dockerConfig: Buffer.from(DOCKER_CONFIG).toString('base64'),
  repositoryPassword: Buffer.from(S.repositoryPassword).toString('base64'),
  registryAuth: Buffer.from(`kots:${S.registryPassword}`).toString('base64'),
};

/** What must never be found in a redacted copy: every value, raw and base64-encoded, and every encoded file. */
export function forbiddenStrings(): string[] {
  return [...Object.values(SECRETS), ...Object.values(SECRETS).map((s) => Buffer.from(s).toString('base64').replace(/=+$/, '')), ...Object.values(ENCODED)];
}

/** Text that must survive redaction, so that the diagnosis still reads. */
export const KEPT = [
  'velero-backups-prod',
  'us-east-1',
  'AccessDenied',
  'daily-20240501020000',
  'cloud-credentials',
  'status code: 403, request id: 4Q8NXK3QZ1B2C3D4',
  'host id: vT0dG0lrbmp0QkZ1T3hKb2ZpN2h5dGxHbEJpN0p3dHZYQkFEMkxpMmxWRkVzOFh4eGNaUT0=',
  'velero/velero:v1.13.2@sha256:5f5e5d3ab7d6a4c4e0f0a8c4b2e3f1d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3',
  '0b6c8a9e-1f2d-4c3b-9a8e-7d6c5b4a3f2e',
  '2024-05-01T02:00:00Z',
  'pkg/controller/backup_sync_controller.go:98',
  '--default-backup-storage-location=default',
  '/credentials/cloud',
  'X-Amz-Date=20240501T021000Z',
  'https://velero-backups-prod.s3.amazonaws.com/cluster-a/backups/daily-20240501020000/daily-20240501020000-logs.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256',
  'velero.io/exclude-from-backup',
  '"name": "velero-repo-credentials"',
  'GOOGLE_APPLICATION_CREDENTIALS',
  '"uploader-type":"a29waWE="',
  '.dockerconfigjson',
  'kubectl.kubernetes.io/last-applied-configuration',
];

/** An S3 pre-signed URL (a DownloadRequest's status.downloadURL). */
const S3_URL = `https://velero-backups-prod.s3.amazonaws.com/cluster-a/backups/daily-20240501020000/daily-20240501020000-logs.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${S.amzCredential}%2F20240501%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240501T021000Z&X-Amz-Expires=600&X-Amz-Security-Token=${S.amzSecurityToken}&X-Amz-SignedHeaders=host&X-Amz-Signature=${S.amzSignature}`;
const GCS_URL = `https://storage.googleapis.com/velero-backups-prod/cluster-a/backups/daily-20240501020000/daily-20240501020000.tar.gz?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=${S.googCredential}%2F20240501%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240501T021000Z&X-Goog-Expires=600&X-Goog-SignedHeaders=host&X-Goog-Signature=${S.googSignature}`;
const GCS_V2_URL = `https://storage.googleapis.com/velero-backups-prod/daily.tar.gz?GoogleAccessId=velero%40velero-proj.iam.gserviceaccount.com&Expires=1714530600&Signature=${S.googV2Signature}`;
const AZURE_URL = `https://velerobackups.blob.core.windows.net/velero/daily.tar.gz?sv=2022-11-02&se=2024-05-01T02%3A20%3A00Z&sr=b&sp=r&sig=${S.azureSas}`;

/** JSON as Go's encoder writes it: &, < and > escaped as \u0026, \u003c, \u003e. */
function goJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

function downloadRequest(url: string) {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'DownloadRequest',
    metadata: { name: 'daily-20240501020000-0b6c8a9e', namespace: NS },
    spec: { target: { kind: 'BackupLog', name: 'daily-20240501020000' } },
    status: { downloadURL: url, expiration: '2024-05-01T02:20:00Z', phase: 'Processed' },
  };
}

function kotsadmEnv() {
  return [
    { name: 'SESSION_KEY', value: S.sessionKey },
    { name: 'API_ENCRYPTION_KEY', value: S.apiEncryptionKey },
    { name: 'GCP_CREDENTIALS', value: S.envCredentials },
    { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/credentials/cloud' },
    { name: 'POD_NAMESPACE', value: 'default' },
  ];
}

/** A Secret whose data keys say nothing, applied with kubectl (its last-applied-configuration holds stringData), as kubectl prints it: data before kind. */
function opaqueSecret() {
  const lastApplied = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-settings', namespace: 'default' }, stringData: { notes: S.lastAppliedValue }, type: 'Opaque' };
  return {
    apiVersion: 'v1',
    data: { whatever: Buffer.from(S.opaqueData).toString('base64'), '.dockerconfigjson': ENCODED.dockerConfig, 'tls.key': Buffer.from(S.opaqueTlsKey).toString('base64') },
    kind: 'Secret',
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(lastApplied)}\n` }, name: 'app-settings', namespace: 'default' },
    type: 'Opaque',
  };
}

/** `kubectl get secret app-settings -o yaml`, as a troubleshoot run collector captures it. */
function opaqueSecretYaml(): string {
  const secret = opaqueSecret();
  return [
    'apiVersion: v1',
    'data:',
    ...Object.entries(secret.data).map(([k, v]) => `  ${k}: ${v}`),
    'kind: Secret',
    'metadata:',
    '  annotations:',
    '    kubectl.kubernetes.io/last-applied-configuration: |',
    `      ${secret.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'].trimEnd()}`,
    '  name: app-settings',
    '  namespace: default',
    'type: Opaque',
    '',
  ].join('\n');
}

/** A ConfigMap beside the Secrets: its data stays readable. */
function settingsConfigMap() {
  return { apiVersion: 'v1', data: { 'storage-location': 'default', 'uploader-type': 'a29waWE=' }, kind: 'ConfigMap', metadata: { name: 'velero-settings', namespace: NS } };
}

/** kotsadm as a Deployment (JSON List), a StatefulSet (YAML), a Pod and a Job (kubectl List dump). */
function kotsadmWorkload(kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'Pod') {
  const container = {
    name: 'kotsadm',
    image: 'kotsadm/kotsadm:v1.109.3',
    args: ['--default-backup-storage-location=default', `--encryption-key=${S.flagKey}`, '--api-token', S.flagToken],
    env: kotsadmEnv(),
  };
  const podSpec = { serviceAccountName: 'kotsadm', containers: [container] };
  const spec = kind === 'Pod' ? podSpec : { template: { metadata: { labels: { app: 'kotsadm' } }, spec: podSpec } };
  return { apiVersion: kind === 'Pod' ? 'v1' : kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, metadata: { name: `kotsadm-${kind.toLowerCase()}`, namespace: 'default', annotations: { 'velero.io/exclude-from-backup': 'true' } }, spec };
}

function kotsadmStatefulSetYaml(): string {
  return [
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata:',
    '  name: kotsadm',
    '  namespace: default',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - args:',
    '        - --default-backup-storage-location=default',
    `        - --encryption-key=${S.flagKey}`,
    '        - --api-token',
    `        - ${S.flagToken}`,
    '        command:',
    '        - /kotsadm',
    '        env:',
    ...kotsadmEnv().flatMap((e) => [`        - name: ${e.name}`, `          value: ${e.value}`]),
    '        image: kotsadm/kotsadm:v1.109.3',
    '        name: kotsadm',
    '',
  ].join('\n');
}

/** troubleshoot's secret collector with includeValue: true (json.MarshalIndent, two spaces). */
function secretCollectorOutput(): string {
  return goJson({ namespace: NS, name: 'velero-repo-credentials', key: 'repository-password', secretExists: true, keyExists: true, value: S.collectorValue });
}

const DIGEST = 'sha256:5f5e5d3ab7d6a4c4e0f0a8c4b2e3f1d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3';
const NS = 'velero';

function env() {
  return [
    { name: 'AWS_SHARED_CREDENTIALS_FILE', value: '/credentials/cloud' },
    { name: 'AWS_ACCESS_KEY_ID', value: S.awsKeyId },
    { name: 'AWS_SECRET_ACCESS_KEY', value: S.awsSecret },
    { name: 'AWS_SESSION_TOKEN', value: S.awsSessionToken },
    { name: 'AZURE_CLIENT_SECRET', value: S.azureClientSecret },
    { name: 'RESTIC_PASSWORD', value: S.resticPassword },
    { name: 'KOPIA_PASSWORD', value: S.kopiaPassword },
    { name: 'VELERO_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  ];
}

function veleroDeployment() {
  const container = {
    name: 'velero',
    image: `velero/velero:v1.13.2@${DIGEST}`,
    args: ['server', '--features=', `--registry-password=${S.registryPassword}`],
    env: env(),
  };
  const lastApplied = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'velero', namespace: NS }, spec: { template: { spec: { containers: [container] } } } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'velero',
      namespace: NS,
      uid: '0b6c8a9e-1f2d-4c3b-9a8e-7d6c5b4a3f2e',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(lastApplied) },
      labels: { component: 'velero' },
    },
    spec: { replicas: 1, template: { metadata: { labels: { component: 'velero' } }, spec: { serviceAccountName: 'velero', containers: [container] } } },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
  };
}

function bsl() {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: { name: 'default', namespace: NS, uid: '11111111-2222-3333-4444-555555555555' },
    spec: {
      provider: 'aws',
      default: true,
      objectStorage: { bucket: 'velero-backups-prod', prefix: 'cluster-a' },
      config: { region: 'us-east-1', s3Url: `https://velero:${S.urlPassword}@minio.example.com:9000`, publicUrl: 'https://minio.example.com' },
      credential: { name: 'cloud-credentials', key: 'cloud' },
    },
    status: { phase: 'Unavailable', message: 'AccessDenied: Access Denied\n\tstatus code: 403', lastValidationTime: '2024-05-01T02:00:00Z' },
  };
}

function backup() {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: {
      name: 'daily-20240501020000',
      namespace: NS,
      annotations: { 'kots.io/instance': 'true', 'kots.io/license-id': S.licenseId },
      labels: { 'velero.io/schedule-name': 'daily', 'velero.io/storage-location': 'default' },
    },
    spec: { storageLocation: 'default', includedNamespaces: ['*'], ttl: '720h0m0s' },
    status: { phase: 'Failed', failureReason: 'AccessDenied', startTimestamp: '2024-05-01T02:00:00Z', completionTimestamp: '2024-05-01T02:00:05Z', errors: 1 },
  };
}

function secretObject() {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'cloud-credentials', namespace: NS },
    type: 'Opaque',
    data: { cloud: ENCODED.awsCloudFile, azure: ENCODED.azureCloudFile, gcp: ENCODED.gcpFile, 'repository-password': ENCODED.repositoryPassword },
  };
}

function dockerSecret() {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'registry-credentials', namespace: NS },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': ENCODED.dockerConfig },
    stringData: { password: S.genericPassword, licenseID: S.licenseId },
  };
}

function secretYaml(): string {
  return [
    'apiVersion: v1',
    'data:',
    `  cloud: ${ENCODED.awsCloudFile}`,
    `  gcp: ${ENCODED.gcpFile}`,
    `  repository-password: ${ENCODED.repositoryPassword}`,
    'kind: Secret',
    'metadata:',
    '  name: velero-repo-credentials',
    `  namespace: ${NS}`,
    'stringData:',
    `  apiKey: ${S.apiKey}`,
    `  webhookSecret: ${S.genericSecret}`,
    '  tls.key: |',
    '    -----BEGIN PRIVATE KEY-----',
    `    ${S.pemBody}`,
    '    -----END PRIVATE KEY-----',
    'type: Opaque',
    '',
  ].join('\n');
}

/** Secrets written by hand, in flow style: their data maps on one line (or a few), the kind on another line or the same. */
export function flowSecretsYaml(): string {
  const b64 = (value: string) => Buffer.from(value).toString('base64');
  return [
    'apiVersion: v1',
    `data: {cloud: ${b64(S.flowData)}, "extra": "${b64(S.flowJsonInYaml)}"}`,
    'kind: Secret',
    'metadata: {name: flow-credentials, namespace: velero}',
    `stringData: {notes: ${S.flowStringData},`,
    "  more: 'it''s'}",
    'type: Opaque',
    '---',
    `{apiVersion: v1, kind: Secret, metadata: {name: flow-object}, stringData: {token: ${S.flowWholeObject}}}`,
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'data: {mode: fast, region: us-east-1}',
    '',
  ].join('\n');
}

/** A Secret in pretty-printed JSON whose data map is on one line (as some tools and people write it). */
export function flowSecretJson(): string {
  return [
    '[',
    '  {',
    '    "apiVersion": "v1",',
    `    "data": {"cloud": "${Buffer.from(S.flowPrettyJson).toString('base64')}", "empty": ""},`,
    '    "kind": "Secret",',
    '    "metadata": {"name": "flow-json", "namespace": "velero"}',
    '  }',
    ']',
    '',
  ].join('\n');
}

function deploymentYaml(): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: velero',
    `  namespace: ${NS}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: velero',
    `        image: velero/velero:v1.13.2@${DIGEST}`,
    '        env:',
    ...env()
      .filter((e) => e.value)
      .flatMap((e) => [`        - name: ${e.name}`, `          value: ${e.value}`]),
    '',
  ].join('\n');
}

function kubeconfig(): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    '    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=',
    '    server: https://10.0.0.1:6443',
    '  name: prod',
    'users:',
    '- name: admin',
    '  user:',
    '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUQ=',
    `    client-key-data: ${S.clientKeyData}`,
    `    token: ${S.kubeToken}`,
    '- name: basic',
    '  user:',
    '    username: admin',
    `    password: ${S.genericPassword}`,
    '',
  ].join('\n');
}

function serverLog(): string {
  return [
    'time="2024-05-01T02:00:00Z" level=info msg="Starting Velero server v1.13.2 (3a6f0c3bd2c9c3e1f2c0e2f0f2c4a1c5b6d7e8f9)" logSource="pkg/cmd/server/server.go:236"',
    `time="2024-05-01T02:00:01Z" level=debug msg="env" AWS_ACCESS_KEY_ID=${S.awsKeyId} AWS_SECRET_ACCESS_KEY=${S.awsSecret} logSource="pkg/cmd/server/server.go:240"`,
    'time="2024-05-01T02:00:02Z" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = AccessDenied: Access Denied\\n\\tstatus code: 403, request id: 4Q8NXK3QZ1B2C3D4, host id: vT0dG0lrbmp0QkZ1T3hKb2ZpN2h5dGxHbEJpN0p3dHZYQkFEMkxpMmxWRkVzOFh4eGNaUT0=" error.file="/go/src/velero-plugin-for-aws/object_store.go:270" logSource="pkg/controller/backup_sync_controller.go:98"',
    `time="2024-05-01T02:00:03Z" level=info msg="GET https://velero:${S.urlPassword}@minio.example.com:9000/velero-backups-prod?list-type=2 with header Authorization: Bearer ${S.bearer}" logSource="pkg/plugin/framework/object_store_server.go:301"`,
    `time="2024-05-01T02:00:04Z" level=debug msg="service account token ${S.jwt}" logSource="pkg/util/kube/utils.go:50"`,
    `{"level":"error","msg":"repository command failed","password":"${S.resticPassword}","time":"2024-05-01T02:00:05Z","backup":"velero/daily-20240501020000"}`,
    `time="2024-05-01T02:00:06Z" level=info msg="connecting to database" dsn="kots:${S.dsnPassword}@tcp(postgres:5432)/kotsadm" token=${S.genericToken}`,
    `time="2024-05-01T02:00:07Z" level=info msg="repo init" cmd="kopia repository connect s3 --bucket=velero-backups-prod --access-key=${S.awsKeyId} --secret-access-key=${S.awsSecret} --password=${S.kopiaPassword}"`,
    `time="2024-05-01T02:00:08Z" level=info msg="loaded license" licenseID=${S.licenseId} apiKey=${S.apiKey} secret=${S.genericSecret}`,
    `time="2024-05-01T02:00:09Z" level=info msg="session" X-Amz-Security-Token=${S.awsSessionToken} AccountKey=${S.azureStorageKey}`,
    'time="2024-05-01T02:00:10Z" level=error msg="backup failed" backup=velero/daily-20240501020000 error="AccessDenied" logSource="pkg/controller/backup_controller.go:288"',
    '',
  ].join('\n');
}

function backupLog(): string {
  return [
    'time="2024-05-01T02:00:00Z" level=info msg="Setting up backup temp file" backup=velero/daily-20240501020000 logSource="pkg/controller/backup_controller.go:617"',
    `time="2024-05-01T02:00:01Z" level=info msg="Backing up item" backup=velero/daily-20240501020000 name=kotsadm resource=secrets env="RESTIC_PASSWORD=${S.resticPassword}"`,
    `time="2024-05-01T02:00:02Z" level=error msg="Error backing up item" backup=velero/daily-20240501020000 error="pod volume backup failed: running Restic backup, stderr=Fatal: wrong password or no key found: repository-password=${S.repositoryPassword}"`,
    '',
  ].join('\n');
}

function describeText(): string {
  return [
    'Name:         daily-20240501020000',
    'Namespace:    velero',
    'Labels:       velero.io/schedule-name=daily',
    `Annotations:  kots.io/license-id=${S.licenseId}`,
    '',
    'Phase:  Failed (run `velero backup logs daily-20240501020000` for more information)',
    '',
    'Errors:',
    `  Velero:   AccessDenied: Access Denied (url https://velero:${S.urlPassword}@minio.example.com:9000)`,
    '',
    'Storage Location:  default',
    'Started:    2024-05-01T02:00:00Z',
    `Password:   ${S.genericPassword}`,
    '',
  ].join('\n');
}

function pemFile(): string {
  return `-----BEGIN RSA PRIVATE KEY-----\n${S.pemBody}\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n-----END RSA PRIVATE KEY-----\n`;
}

async function put(root: string, path: string, content: string | Buffer): Promise<void> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
}

/** A troubleshoot support bundle folder (v0.76-v0.132 era: JSON arrays plus YAML, List files, symlinked logs). */
export async function writeTroubleshootBundle(root: string): Promise<void> {
  await put(root, 'version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.100.0\n');
  await put(root, 'cluster-info/cluster_version.json', JSON.stringify({ info: { major: '1', minor: '29', gitVersion: 'v1.29.4' }, string: 'v1.29.4' }, null, 2));
  await put(root, 'cluster-resources/deployments/velero.json', JSON.stringify({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: {}, items: [veleroDeployment()] }, null, 2));
  await put(root, 'cluster-resources/custom-resources/backupstoragelocations.velero.io/velero.json', JSON.stringify([bsl()], null, 2));
  await put(root, 'cluster-resources/custom-resources/backups.velero.io/velero.json', JSON.stringify([backup()], null, 2));
  await put(root, 'cluster-resources/custom-resources/backupstoragelocations.velero.io/velero.yaml', bslYaml());
  await put(root, 'cluster-resources/secrets/velero.json', JSON.stringify({ kind: 'SecretList', apiVersion: 'v1', items: [secretObject(), dockerSecret()] }, null, 2));
  await put(root, 'cluster-resources/secrets/default.json', flowSecretJson());
  await put(root, 'cluster-resources/secrets/default.yaml', flowSecretsYaml());
  await put(root, 'cluster-resources/pods/logs/velero/velero-7d9f-abcde/velero.log', serverLog());
  await put(root, 'cluster-resources/pods/logs/velero/velero-7d9f-abcde/velero-previous.log', backupLog());
  await mkdir(join(root, 'velero/velero-7d9f-abcde'), { recursive: true });
  await symlink('../../cluster-resources/pods/logs/velero/velero-7d9f-abcde/velero.log', join(root, 'velero/velero-7d9f-abcde/velero.log'));
  await put(root, 'kots/admin_console/kubeconfig', kubeconfig());
  await put(root, 'kots/admin_console/deployment.yaml', deploymentYaml());
  await put(root, 'kots/admin_console/secret.yaml', secretYaml());
  await put(root, 'velero/credentials/cloud', AWS_CLOUD_FILE);
  await put(root, 'velero/credentials/azure', AZURE_CLOUD_FILE);
  await put(root, 'velero/credentials/gcp.json', GCP_FILE);
  await put(root, 'velero/credentials/key.pem', pemFile());
  await put(root, 'cluster-resources/custom-resources/downloadrequests.velero.io/velero.json', goJson([downloadRequest(S3_URL), downloadRequest(AZURE_URL)]));
  await put(root, 'cluster-resources/custom-resources/downloadrequests.velero.io/velero.yaml', `- ${JSON.stringify(downloadRequest(GCS_URL))}\n`);
  await put(root, 'cluster-resources/pods/logs/velero/velero-7d9f-abcde/plugins.log', presignedLog());
  await put(root, 'secrets/velero/velero-repo-credentials/repository-password.json', secretCollectorOutput());
  await put(root, 'cluster-resources/deployments/default.json', goJson({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: {}, items: [kotsadmWorkload('Deployment')] }));
  await put(root, 'cluster-resources/statefulsets/default.yaml', kotsadmStatefulSetYaml());
  await put(root, 'velero-get-secrets/velero-get-secrets.log', `+ kubectl get secret app-settings -o yaml\n${opaqueSecretYaml()}`);
  await put(root, 'velero-exec/default/kotsadm-0/get-secret-stdout.txt', `${JSON.stringify(opaqueSecret(), null, 4)}\n`);
  await put(root, 'kots/kubectl/secrets.json', `${JSON.stringify({ apiVersion: 'v1', items: [settingsConfigMap(), opaqueSecret()], kind: 'List' })}\n`);
  await put(root, 'kots/kubectl/secrets.yaml', `apiVersion: v1\nitems:\n${opaqueSecretYaml().trimEnd().split('\n').map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)).join('\n')}\nkind: List\n`);
  await put(root, 'kots/kubectl/default.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [kotsadmWorkload('Pod'), kotsadmWorkload('Job'), kotsadmWorkload('DaemonSet')] }));
}

/** Pre-signed URLs as plugins and `velero backup download` print them into logs. */
function presignedLog(): string {
  return [
    `time="2024-05-01T02:10:00Z" level=info msg="Created signed URL" url="${S3_URL}" logSource="pkg/controller/download_request_controller.go:120"`,
    `time="2024-05-01T02:10:01Z" level=debug msg="GET ${GCS_V2_URL}" logSource="pkg/plugin/framework/object_store_server.go:301"`,
    `{"level":"info","msg":"signed","url":"${AZURE_URL.replace(/&/g, '\\u0026')}","time":"2024-05-01T02:10:02Z"}`,
    `time="2024-05-01T02:10:03Z" level=info msg="kotsadm started with SESSION_KEY=${S.sessionKey} --api-token=${S.flagToken}"`,
    '',
  ].join('\n');
}

function bslYaml(): string {
  return [
    '- apiVersion: velero.io/v1',
    '  kind: BackupStorageLocation',
    '  metadata:',
    '    name: default',
    '    namespace: velero',
    '  spec:',
    '    config:',
    '      region: us-east-1',
    `      s3Url: https://velero:${S.urlPassword}@minio.example.com:9000`,
    '    objectStorage:',
    '      bucket: velero-backups-prod',
    '    provider: aws',
    '',
  ].join('\n');
}

/** A `velero debug` tarball folder (kubecapture List files, version.txt, describe and backup logs). */
export async function writeVeleroDebugBundle(root: string): Promise<void> {
  await put(root, 'version.txt', 'Client:\n\tVersion: v1.13.2\nServer:\n\tVersion: v1.13.2\n');
  await put(root, 'kubecapture/velero.io_v1/velero/backupstoragelocations-202405010200.0000.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [bsl()] }, null, 2));
  await put(root, 'kubecapture/velero.io_v1/velero/backups-202405010200.0000.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [backup()] }, null, 2));
  await put(root, 'kubecapture/core_v1/velero/pods-202405010200.0000.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }, null, 2));
  await put(root, 'kubecapture/core_v1/velero/velero-7d9f-abcde/velero/velero.log', serverLog());
  await put(root, 'backup_describe_daily-20240501020000.txt', describeText());
  await put(root, 'backup_daily-20240501020000.log', backupLog());
}

/** A snapshot-doctor collect bundle folder (troubleshoot layout plus snapshot-doctor/). */
export async function writeSnapshotDoctorBundle(root: string): Promise<void> {
  await writeTroubleshootBundle(root);
  await put(root, 'snapshot-doctor/manifest.json', JSON.stringify({ tool: 'snapshot-doctor', collectedAt: '2024-05-01T02:10:00Z' }, null, 2));
  await put(root, 'snapshot-doctor/backups/daily-20240501020000/backup.log.gz', gzipSync(backupLog()));
  await put(root, 'snapshot-doctor/backups/daily-20240501020000/describe.txt', describeText());
}

/** Single files: a server log (plain and gzipped), describe output and a kubectl YAML dump. */
export async function writeSingleFiles(dir: string): Promise<{ log: string; gz: string; describe: string; dump: string }> {
  const files = {
    log: join(dir, 'velero.log'),
    gz: join(dir, 'daily-20240501020000-logs.gz'),
    describe: join(dir, 'describe.txt'),
    dump: join(dir, 'dump.yaml'),
  };
  await put(dir, 'velero.log', serverLog());
  await put(dir, 'daily-20240501020000-logs.gz', gzipSync(backupLog()));
  await put(dir, 'describe.txt', describeText());
  await put(dir, 'dump.yaml', `${secretYaml()}---\n${deploymentYaml()}---\n${kubeconfig()}---\n${opaqueSecretYaml()}---\n${flowSecretsYaml()}`);
  return files;
}

/** Packs a folder into a .tar.gz whose entries sit under one root folder (as troubleshoot and velero debug do). */
export async function pack(folder: string, rootName: string, archive: string): Promise<void> {
  await tar.c({ gzip: true, file: archive, cwd: dirname(folder), portable: true }, [rootName]);
}

/** Every regular file under a folder (symlinks not followed), with its bytes; gzipped files are also given decompressed. */
export async function readTree(root: string): Promise<Map<string, Buffer>> {
  const { gunzipSync } = await import('node:zlib');
  const files = new Map<string, Buffer>();
  async function walk(dir: string, rel: string): Promise<void> {
    for (const name of await readdir(dir)) {
      const abs = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const info = await lstat(abs);
      if (info.isDirectory()) await walk(abs, path);
      else if (info.isFile()) {
        const bytes = await readFile(abs);
        files.set(path, bytes);
        if (bytes[0] === 0x1f && bytes[1] === 0x8b) files.set(`${path} (gunzipped)`, gunzipSync(bytes));
      }
    }
  }
  await walk(root, '');
  return files;
}
