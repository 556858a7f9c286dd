// `spec` and `spec --merge`: the output validates against troubleshoot's published schemas, and a merge keeps the vendor's spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { mergeSupportBundleSpec, supportBundleSpec, SPEC_REDACTORS, LOGS_COLLECTORS } from '../../src/spec/index.js';
import { InputError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const SCHEMAS = 'fixtures/troubleshoot-schemas';

/**
 * troubleshoot's schemas allow any extra key (Kubernetes decoding ignores unknown fields, silently).
 * The strict copy refuses keys the schema does not name, so that a misspelt field (`maxline`) fails here
 * instead of being ignored by troubleshoot.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strict(v)])) : strict(value);
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
function compile(file: string): { loose: ValidateFunction; strict: ValidateFunction } {
  const schema = JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as object;
  return { loose: ajv.compile(schema), strict: ajv.compile(strict(schema) as object) };
}
const supportBundleSchema = compile('supportbundle-troubleshoot-v1beta2.json');
const redactorSchema = compile('redactor-troubleshoot-v1beta2.json');

function documents(yaml: string): Record<string, unknown>[] {
  return parseAllDocuments(yaml).map((d) => {
    assert.deepEqual(d.errors, [], 'the output parses as YAML');
    return d.toJS() as Record<string, unknown>;
  });
}

function assertValid(doc: Record<string, unknown>): void {
  const schema = doc.kind === 'SupportBundle' ? supportBundleSchema : doc.kind === 'Redactor' ? redactorSchema : undefined;
  assert.ok(schema, `unexpected document kind ${String(doc.kind)}`);
  for (const validate of [schema.loose, schema.strict]) {
    assert.ok(validate(doc), `${String(doc.kind)}: ${ajv.errorsText(validate.errors)}`);
  }
}

test('spec prints a SupportBundle and a Redactor that validate against troubleshoot v1beta2 schemas', () => {
  const docs = documents(supportBundleSpec());
  assert.deepEqual(docs.map((d) => [d.apiVersion, d.kind]), [['troubleshoot.sh/v1beta2', 'SupportBundle'], ['troubleshoot.sh/v1beta2', 'Redactor']]);
  for (const doc of docs) assertValid(doc);
});

test('the strict schema catches a misspelt collector field (so the validation above means something)', () => {
  const [bundle] = documents(supportBundleSpec());
  const collectors = (bundle!.spec as { collectors: Record<string, Record<string, unknown>>[] }).collectors;
  const logs = collectors.find((c) => c.logs)!.logs!;
  logs.limits = { maxline: 10 };
  assert.equal(supportBundleSchema.strict(bundle), false);
  delete logs.selector;
  assert.equal(supportBundleSchema.loose(bundle), false, 'a logs collector without its required selector');
});

test('the logs collectors find Velero in any namespace, by labels, with size limits', () => {
  const [bundle] = documents(supportBundleSpec());
  const collectors = (bundle!.spec as { collectors: Record<string, Record<string, unknown>>[] }).collectors;
  assert.ok(collectors.some((c) => c.clusterResources && Object.keys(c.clusterResources).length === 0), 'clusterResources of every namespace');
  const logs = collectors.filter((c) => c.logs).map((c) => c.logs as { namespace?: string; selector: string[]; limits: { maxLines: number; maxBytes: number }; name: string });
  const selectors = logs.map((l) => l.selector.join(','));
  for (const wanted of ['component=velero', 'app.kubernetes.io/name=velero', 'velero.io/data-upload', 'velero.io/data-download', 'velero.io/repo-name', 'app=kotsadm']) {
    assert.ok(selectors.includes(wanted), `a logs collector selects ${wanted}`);
  }
  for (const l of logs) {
    assert.equal(l.namespace, undefined, `${l.name}: no namespace, so Velero is found wherever it runs`);
    assert.ok(l.limits.maxLines > 0 && l.limits.maxBytes > 0, `${l.name}: size limits`);
  }
  // troubleshoot's own velero analyzer reads velero/logs/velero*/ and velero/logs/node-agent*/.
  assert.ok(logs.some((l) => l.name === 'velero/logs' && l.selector.includes('component=velero')));
});

/** troubleshoot's replacement: `mask` groups become the mask, other groups stay (Go regexp semantics, run here in JS). */
function troubleshootRedact(line: string, redactor: string): string {
  const caseless = redactor.startsWith('(?i)');
  const source = (caseless ? redactor.slice(4) : redactor).replaceAll('(?P<', '(?<');
  const regex = new RegExp(source, caseless ? 'gi' : 'g');
  return line.replace(regex, (...args: unknown[]) => {
    const groups = args.at(-1) as Record<string, string | undefined>;
    const whole = args[0] as string;
    const mask = groups.mask;
    return mask === undefined ? whole : whole.replace(mask, '***HIDDEN***');
  });
}

test('the redactors are RE2-compatible, have one mask group each, and mask what they say', () => {
  for (const r of SPEC_REDACTORS) {
    for (const { redactor } of r.regex) {
      assert.doesNotMatch(redactor, /\(\?<?[=!]|\\[1-9]|\(\?<[a-z]/, `${r.name}: Go's regexp has no look-around, back-references, or (?<name>) before Go 1.22`);
      assert.equal(redactor.match(/\(\?P<mask>/g)?.length, 1, `${r.name}: one mask group`);
      assert.doesNotThrow(() => troubleshootRedact('', redactor), `${r.name} compiles`);
    }
  }
  const planted: [string, string][] = [
    ['time="2024-05-01T10:00:00Z" level=info msg="using key AKIAIOSFODNN7EXAMPLE"', 'AKIAIOSFODNN7EXAMPLE'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['GET https://bucket.s3.amazonaws.com/backups/b1/b1-logs.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef0123', '0123456789abcdef0123'],
    ['DefaultEndpointsProtocol=https;AccountName=velero;AccountKey=c2VjcmV0a2V5c2VjcmV0a2V5;EndpointSuffix=core.windows.net', 'c2VjcmV0a2V5c2VjcmV0a2V5'],
    ['AZURE_CLIENT_SECRET=Qx8~abcDEF123ghiJKL', 'Qx8~abcDEF123ghiJKL'],
    ['{"type": "service_account", "private_key_id": "1a2b3c4d5e6f7a8b9c0d"}', '1a2b3c4d5e6f7a8b9c0d'],
    ['"key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----"', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'],
    ['level=debug msg="env RESTIC_PASSWORD=s3cr3t-repo-pass"', 's3cr3t-repo-pass'],
    ['Authorization: Bearer abcdef0123456789.token', 'abcdef0123456789.token'],
    ['token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl'],
    ['kubectl kots install app --registry-password hunter2-registry', 'hunter2-registry'],
  ];
  for (const [line, secret] of planted) {
    let out = line;
    for (const r of SPEC_REDACTORS) for (const { redactor } of r.regex) out = troubleshootRedact(out, redactor);
    assert.ok(!out.includes(secret), `"${secret}" is masked in: ${out}`);
    assert.ok(out.includes('***HIDDEN***'));
  }
  // What is not a secret stays readable.
  const plain = 'level=error msg="Error getting backup store for this location" backupLocation=velero/default error="AccessDenied: Access Denied status code: 403"';
  let out = plain;
  for (const r of SPEC_REDACTORS) for (const { redactor } of r.regex) out = troubleshootRedact(out, redactor);
  assert.equal(out, plain);
});

const VENDOR_SPEC = `# The vendor's own spec: comments, collectors and analyzers stay.
apiVersion: troubleshoot.sh/v1beta2
kind: SupportBundle
metadata:
  name: my-app
spec:
  collectors:
    - clusterResources:
        namespaces: [my-app]
    - logs:
        name: velero
        selector: [component=velero]
    - logs:
        name: app/web
        namespace: my-app
        selector: [app=web]
  analyzers:
    - deploymentStatus:
        name: web
        namespace: my-app
        outcomes:
          - fail:
              when: "< 1"
              message: The web deployment is down
---
apiVersion: troubleshoot.sh/v1beta2
kind: Preflight
metadata:
  name: my-app
spec:
  analyzers: []
`;

test('spec --merge keeps the vendor\'s documents, collectors, analyzers and comments, and adds what is missing', () => {
  const merged = mergeSupportBundleSpec(VENDOR_SPEC, 'vendor.yaml');
  assert.ok(merged.yaml.startsWith("# The vendor's own spec: comments, collectors and analyzers stay."));
  const docs = documents(merged.yaml);
  assert.deepEqual(docs.map((d) => d.kind), ['SupportBundle', 'Preflight', 'Redactor']);
  assertValid(docs[0]!);
  assertValid(docs[2]!);
  const spec = docs[0]!.spec as { collectors: Record<string, Record<string, unknown>>[]; analyzers: unknown[] };
  const vendor = documents(VENDOR_SPEC)[0]!.spec as { collectors: unknown[]; analyzers: unknown[] };
  assert.deepEqual(spec.collectors.slice(0, vendor.collectors.length), vendor.collectors, 'the vendor\'s collectors first, unchanged');
  assert.deepEqual(spec.analyzers, vendor.analyzers);
  // Its own component=velero collector is kept (not doubled); the other label sets are added; clusterInfo too.
  assert.equal(spec.collectors.filter((c) => (c.logs?.selector as string[] | undefined)?.join() === 'component=velero').length, 1);
  assert.equal(spec.collectors.filter((c) => c.clusterResources).length, 1, 'the vendor\'s clusterResources is not widened');
  assert.ok(spec.collectors.some((c) => c.clusterInfo));
  assert.equal(merged.addedCollectors.length, 1 + LOGS_COLLECTORS.length - 1);
  assert.equal(merged.addedRedactors.length, SPEC_REDACTORS.length);
  assert.ok(merged.notes.some((n) => n.includes('only the namespaces my-app')), 'says Velero\'s namespace must be added to clusterResources');
  // Merging again adds nothing.
  const again = mergeSupportBundleSpec(merged.yaml, 'merged.yaml');
  assert.deepEqual([again.addedCollectors, again.addedRedactors], [[], []]);
  assert.equal(again.yaml, merged.yaml);
});

test('spec --merge adds to an existing Redactor document instead of a second one', () => {
  const withRedactor = `${VENDOR_SPEC}---
apiVersion: troubleshoot.sh/v1beta2
kind: Redactor
metadata:
  name: vendor
spec:
  redactors:
    - name: app tokens
      removals:
        values: [abc]
`;
  const docs = documents(mergeSupportBundleSpec(withRedactor, 'v.yaml').yaml);
  const redactors = docs.filter((d) => d.kind === 'Redactor');
  assert.equal(redactors.length, 1);
  const list = (redactors[0]!.spec as { redactors: { name: string }[] }).redactors;
  assert.equal(list[0]!.name, 'app tokens');
  assert.equal(list.length, 1 + SPEC_REDACTORS.length);
  assertValid(redactors[0]!);
});

test('spec --merge of a file without a SupportBundle, or not YAML, is an error naming the file', () => {
  assert.throws(() => mergeSupportBundleSpec('kind: ConfigMap\napiVersion: v1\n', 'cm.yaml'), (e: unknown) => e instanceof InputError && /cm\.yaml: no troubleshoot SupportBundle/.test(e.message));
  assert.throws(() => mergeSupportBundleSpec('a: [1, 2\n', 'bad.yaml'), (e: unknown) => e instanceof InputError && /bad\.yaml: not valid YAML/.test(e.message));
  assert.throws(() => mergeSupportBundleSpec('', 'empty.yaml'), (e: unknown) => e instanceof InputError && /empty\.yaml/.test(e.message));
  assert.throws(
    () => mergeSupportBundleSpec('apiVersion: troubleshoot.sh/v1beta1\nkind: SupportBundle\nspec: {}\n', 'old.yaml'),
    (e: unknown) => e instanceof InputError && /v1beta1; only troubleshoot\.sh\/v1beta2/.test(e.message),
  );
});

test('the spec command: stdout is the spec; --merge reads the file; a missing file is exit 2', async () => {
  const plain = await runCli(['spec']);
  assert.equal(plain.code, 0);
  assert.equal(plain.stdout, supportBundleSpec());
  const dir = tempDir('spec-');
  const file = join(dir, 'support-bundle.yaml');
  await writeFile(file, VENDOR_SPEC);
  const merged = await runCli(['spec', '--merge', file]);
  assert.equal(merged.code, 0);
  assert.equal(merged.stdout, mergeSupportBundleSpec(VENDOR_SPEC, file).yaml);
  assert.match(merged.stderr, /added 8 collectors and \d+ redactors/);
  assert.equal(readFileSync(file, 'utf8'), VENDOR_SPEC, 'the vendor\'s file is not modified');
  const missing = await runCli(['spec', '--merge', join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml: no such file/);
  assert.equal(missing.stdout, '');
  const usage = await runCli(['spec', '--merge']);
  assert.equal(usage.code, 64);
  assert.equal(usage.stdout, '');
  const extra = await runCli(['spec', 'extra-argument']);
  assert.equal(extra.code, 64, 'an unexpected argument is refused');
  assert.equal(extra.stdout, '', 'before anything is printed');
});
