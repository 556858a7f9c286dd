// The --config file: YAML, schema-validated, errors naming the file and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

async function withConfig(text: string, run: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-config-'));
  try {
    const path = join(dir, 'doctor.yaml');
    await writeFile(path, text);
    await run(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a full config loads', async () => {
  await withConfig(
    `ignores:
  - rule: restic-deprecated
    reason: migrating to kopia in Q3
    expires: 2026-09-30
  - rule: backup-failed
    resource: { kind: Backup, namespace: velero, name: test-backup }
    reason: a test backup
redaction:
  patterns:
    - { name: acme-token, regex: 'acme_[A-Za-z0-9]{32}' }
budget:
  maxDecompressedBytes: 10000000000
  maxLineLength: 65536
`,
    async (path) => {
      const config = await loadConfig(path);
      assert.equal(config.file, path);
      assert.equal(config.ignores.length, 2);
      assert.equal(config.ignores[0]!.expires, '2026-09-30');
      assert.deepEqual(config.ignores[1]!.resource, { kind: 'Backup', namespace: 'velero', name: 'test-backup' });
      assert.equal(config.redaction?.patterns?.[0]?.name, 'acme-token');
      assert.equal(config.budget?.maxLineLength, 65536);
    },
  );
  await withConfig('', async (path) => assert.deepEqual(await loadConfig(path), { file: path, ignores: [] }));
});

test('errors name the file and the field', async () => {
  const cases: [string, RegExp][] = [
    ['ignores:\n  - rule: x\n', /doctor\.yaml: ignores\[0\]\.reason: is required/],
    ['ignores:\n  - rule: x\n    reason: y\n    expires: someday\n', /ignores\[0\]\.expires: "someday" is not a date/],
    ['ignore: []\n', /doctor\.yaml: ignore: unknown field/],
    ['budget:\n  maxLineLength: -1\n', /budget\.maxLineLength: must be >= 1/],
    ['redaction:\n  patterns:\n    - { name: a, regex: "(" }\n', /redaction\.patterns\[0\]\.regex: invalid regular expression/],
    ['ignores: [\n', /doctor\.yaml: invalid YAML/],
  ];
  for (const [text, expected] of cases) {
    await withConfig(text, async (path) => {
      await assert.rejects(loadConfig(path), (e: Error) => e instanceof ConfigError && expected.test(e.message));
    });
  }
  await assert.rejects(loadConfig('/no/such/config.yaml'), /\/no\/such\/config\.yaml: cannot read \(ENOENT\)/);
});
