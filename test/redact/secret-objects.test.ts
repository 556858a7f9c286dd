// Kubernetes Secret objects wherever they appear: every data / stringData value masked whatever its key, ConfigMaps left readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedactor, MASK } from '../../src/redact/index.js';

const M = MASK;
const redact = (text: string, file = 'f.yaml') => createRedactor().redactText(text, file);
/** Base64 of values no key name gives away: only their place in a Secret says they are secrets. */
const V1 = Buffer.from('nothing-in-the-name-1').toString('base64');
const V2 = Buffer.from('{"auths":{"registry.example.com":{"u":"x"}}}').toString('base64');

/** `kubectl get secret -o yaml` sorts keys: data comes before kind. */
const SECRET_YAML = ['apiVersion: v1', 'data:', `  cloud: ${V1}`, `  .dockerconfigjson: ${V2}`, 'kind: Secret', 'metadata:', '  name: cloud-credentials', '  namespace: velero', 'type: Opaque', ''].join('\n');

/** [what, input, expected output, file] */
const CASES: [string, string, string, string?][] = [
  ['kubectl get secret -o yaml (a .yaml file: masks in quotes, a bare ***… is a YAML alias)', SECRET_YAML, SECRET_YAML.replace(V1, `"${M}"`).replace(V2, `"${M}"`)],
  ['kubectl get secret -o yaml captured by a run collector (.log)', SECRET_YAML, SECRET_YAML.replace(V1, M).replace(V2, M), 'kubectl-get-secret.log'],
  ['kubectl get secret -o yaml in an exec collector (.txt)', SECRET_YAML, SECRET_YAML.replace(V1, M).replace(V2, M), 'velero/exec/secret.txt'],
  [
    'a manifest with kind first, stringData and a TLS key block',
    ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: tls', 'stringData:', '  repo: "a plain repository passphrase"', '  tls.key: |', '    -----BEGIN EC PRIVATE KEY-----', '    MHcCAQEEIPlanted', '    -----END EC PRIVATE KEY-----', 'type: kubernetes.io/tls', ''].join('\n'),
    ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: tls', 'stringData:', `  repo: "${M}"`, '  tls.key: |', `    ${M}`, `    ${M}`, `    ${M}`, 'type: kubernetes.io/tls', ''].join('\n'),
  ],
  [
    'a List with a Secret then a ConfigMap (YAML): only the Secret is masked',
    ['apiVersion: v1', 'items:', '- apiVersion: v1', '  data:', `    cloud: ${V1}`, '  kind: Secret', '  metadata:', '    name: a', '- apiVersion: v1', '  data:', '    region: us-east-1', '    enabled: dHJ1ZQ==', '  kind: ConfigMap', '  metadata:', '    name: b', 'kind: List', ''].join('\n'),
    ['apiVersion: v1', 'items:', '- apiVersion: v1', '  data:', `    cloud: "${M}"`, '  kind: Secret', '  metadata:', '    name: a', '- apiVersion: v1', '  data:', '    region: us-east-1', '    enabled: dHJ1ZQ==', '  kind: ConfigMap', '  metadata:', '    name: b', 'kind: List', ''].join('\n'),
  ],
  [
    'kubectl get secret -o json (pretty, four spaces)',
    ['{', '    "apiVersion": "v1",', '    "data": {', `        "cloud": "${V1}",`, `        ".dockerconfigjson": "${V2}"`, '    },', '    "kind": "Secret",', '    "metadata": {', '        "name": "cloud-credentials"', '    },', '    "type": "Opaque"', '}', ''].join('\n'),
    ['{', '    "apiVersion": "v1",', '    "data": {', `        "cloud": "${M}",`, `        ".dockerconfigjson": "${M}"`, '    },', '    "kind": "Secret",', '    "metadata": {', '        "name": "cloud-credentials"', '    },', '    "type": "Opaque"', '}', ''].join('\n'),
  ],
  [
    'a JSON List: a ConfigMap first stays, the Secret after it is masked',
    ['{"items": [', '  {', '    "data": {', '      "region": "us-east-1"', '    },', '    "kind": "ConfigMap"', '  },', '  {', '    "data": {', `      "anything": "${V1}"`, '    },', '    "kind": "Secret"', '  }', ']}'].join('\n'),
    ['{"items": [', '  {', '    "data": {', '      "region": "us-east-1"', '    },', '    "kind": "ConfigMap"', '  },', '  {', '    "data": {', `      "anything": "${M}"`, '    },', '    "kind": "Secret"', '  }', ']}'].join('\n'),
  ],
  [
    'one-line JSON with a Secret and a ConfigMap',
    `{"items":[{"data":{"a":"${V1}"},"kind":"Secret"},{"data":{"region":"us-east-1"},"kind":"ConfigMap"}]}`,
    `{"items":[{"data":{"a":"${M}"},"kind":"Secret"},{"data":{"region":"us-east-1"},"kind":"ConfigMap"}]}`,
  ],
  [
    'last-applied-configuration in JSON (escaped), with stringData',
    `    "kubectl.kubernetes.io/last-applied-configuration": "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Secret\\",\\"metadata\\":{\\"name\\":\\"repo\\"},\\"stringData\\":{\\"repository-password\\":\\"static-passw0rd\\",\\"x\\":\\"a \\\\\\"quoted\\\\\\" one\\"},\\"type\\":\\"Opaque\\"}\\n"`,
    `    "kubectl.kubernetes.io/last-applied-configuration": "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Secret\\",\\"metadata\\":{\\"name\\":\\"repo\\"},\\"stringData\\":{\\"repository-password\\":\\"${M}\\",\\"x\\":\\"${M}\\"},\\"type\\":\\"Opaque\\"}\\n"`,
  ],
  [
    'last-applied-configuration in YAML (a block scalar of JSON)',
    ['  annotations:', '    kubectl.kubernetes.io/last-applied-configuration: |', `      {"apiVersion":"v1","data":{"cloud":"${V1}"},"kind":"Secret","metadata":{"name":"c"},"stringData":{"note":"plain words"}}`, ''].join('\n'),
    ['  annotations:', '    kubectl.kubernetes.io/last-applied-configuration: |', `      {"apiVersion":"v1","data":{"cloud":"${M}"},"kind":"Secret","metadata":{"name":"c"},"stringData":{"note":"${M}"}}`, ''].join('\n'),
  ],
  [
    'a Secret printed into a JSON log line',
    `{"level":"debug","msg":"applied","object":"{\\"data\\":{\\"k\\":\\"${V1}\\"},\\"kind\\":\\"Secret\\"}"}`,
    `{"level":"debug","msg":"applied","object":"{\\"data\\":{\\"k\\":\\"${M}\\"},\\"kind\\":\\"Secret\\"}"}`,
    'app.log',
  ],
  [
    'a data map in YAML flow style, plain and quoted (JSON in YAML): masks in quotes, so the YAML still parses',
    ['apiVersion: v1', `data: {cloud: ${V1}, ".dockerconfigjson": "${V2}", 'q': 'it''s'}`, 'kind: Secret', ''].join('\n'),
    ['apiVersion: v1', `data: {cloud: "${M}", ".dockerconfigjson": "${M}", 'q': '${M}'}`, 'kind: Secret', ''].join('\n'),
  ],
  [
    'a flow map over several lines, with a comment, closed before the kind',
    ['kind: Secret', `stringData: {a: one two, # why`, `  b: ${V1},`, '  c: three}', 'type: Opaque', ''].join('\n'),
    ['kind: Secret', `stringData: {a: "${M}", # why`, `  b: "${M}",`, `  c: "${M}"}`, 'type: Opaque', ''].join('\n'),
  ],
  [
    'a whole Secret in flow style on one line, in a list',
    `items:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}, data: {cloud: ${V1}, tls.key: "${V2}"}}\n`,
    `items:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}, data: {cloud: "${M}", tls.key: "${M}"}}\n`,
  ],
  [
    'a one-line data map in pretty-printed JSON',
    ['{', '  "apiVersion": "v1",', `  "data": {"cloud": "${V1}", "empty": ""},`, '  "kind": "Secret"', '}'].join('\n'),
    ['{', '  "apiVersion": "v1",', `  "data": {"cloud": "${M}", "empty": ""},`, '  "kind": "Secret"', '}'].join('\n'),
    'f.json',
  ],
  [
    'data of an object whose kind is not in sight: base64 values masked, other values kept',
    ['data:', `  k: ${V1}`, '  mode: fast', ''].join('\n'),
    ['data:', `  k: "${M}"`, '  mode: fast', ''].join('\n'),
  ],
];

for (const [what, input, expected, file] of CASES) {
  test(`Secret objects: ${what}`, () => {
    assert.equal(redact(input, file), expected);
  });
}

/** Objects that are not Secrets: their data stays readable, byte for byte. */
const KEPT = [
  ['apiVersion: v1', 'data:', '  region: us-east-1', '  enabled: dHJ1ZQ==', '  config.yaml: |', '    uploaderType: kopia', 'kind: ConfigMap', 'metadata:', '  name: node-agent-config'].join('\n'),
  ['{', '  "apiVersion": "v1",', '  "data": {', '    "bucket": "dmVsZXJvLWJhY2t1cHM="', '  },', '  "kind": "ConfigMap"', '}'].join('\n'),
  '{"apiVersion":"v1","data":{"bucket":"dmVsZXJvLWJhY2t1cHM="},"kind":"ConfigMap"}',
  '    kubectl.kubernetes.io/last-applied-configuration: \'{"apiVersion":"v1","data":{"region":"dXMtZWFzdC0x"},"kind":"ConfigMap"}\'',
  ['metadata:', '  name: velero', '  namespace: velero', 'spec:', '  storageLocation: default'].join('\n'),
  'time="2024-05-01T02:00:00Z" level=info msg="Secret velero/cloud-credentials changed" data="fine" logSource="pkg/x.go:1"',
  'time="2024-05-01T02:00:00Z" level=error msg="failed to read data: unexpected EOF"',
  ['apiVersion: v1', 'data: {region: us-east-1, enabled: dHJ1ZQ==}', 'kind: ConfigMap'].join('\n'),
  '- {apiVersion: v1, kind: ConfigMap, data: {bucket: dmVsZXJvLWJhY2t1cHM=}}',
];

test('Secret objects: ConfigMaps and other objects keep their data', () => {
  const redactor = createRedactor();
  for (const text of KEPT) assert.equal(redactor.redactText(text, 'x.yaml'), text);
  assert.equal(redactor.summary().total, 0);
});

test('Secret objects: a Secret split across stream chunks is masked', async () => {
  const text = Buffer.from(`${'x: 1\n'.repeat(50)}${SECRET_YAML}`);
  for (const size of [7, 64, 300]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
    const out: Buffer[] = [];
    for await (const chunk of createRedactor().redactStream(chunks, 'dump.log')) out.push(chunk);
    const result = Buffer.concat(out).toString('latin1');
    assert.ok(!result.includes(V1) && !result.includes(V2), `chunk size ${size}`);
    assert.ok(result.includes('cloud: ') && result.includes('kind: Secret'), 'keys and structure stay');
  }
});

test('Secret objects: hostile layouts stay linear (a file of data keys, a run of blanks in a value)', () => {
  const keys = 'data:\n'.repeat(100_000);
  assert.equal(redact(keys, 'keys.yaml'), keys);
  const blanks = `apiVersion: v1\ndata:\n  k: a${' '.repeat(256 * 1024)}b\nkind: Secret\n`;
  assert.equal(redact(blanks), `apiVersion: v1\ndata:\n  k: "${M}"\nkind: Secret\n`);
  const args = `args:\n- --api-token\n- a${' '.repeat(256 * 1024)}b\n`;
  assert.equal(redact(args), `args:\n- --api-token\n- "${M}"\n`);
});
