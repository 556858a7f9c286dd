// redactCopy's output folder: made level by level, refused with one clear error where it cannot be made, removed again when the copy fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotDoctorError } from '../../src/errors.js';
import { redactCopy } from '../../src/redact/copy.js';

const LOG = 'time="2024-05-01T02:00:00Z" level=error msg="upload failed" password=planted-copy-passw0rd\n';
/** Only a guard: a recursive mkdir under /proc never returns, and a hang should fail the test rather than the run. */
const GUARD = { timeout: 60_000 };

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-copy-output-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('an output folder that cannot be made rejects with one line naming the output', GUARD, async () => {
  await withTemp(async (dir) => {
    const input = join(dir, 'velero.log');
    await writeFile(input, LOG);
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const outputs = [
      join(file, 'sub', 'velero.log'),
      // A level cannot be made here although its parent exists: Node's recursive mkdir never returns.
      '/proc/self/snapshot-doctor-test/velero.log',
      '/proc/snapshot-doctor-test/deeper/velero.log',
    ];
    for (const output of outputs) {
      await assert.rejects(redactCopy(input, output), (error: Error) => {
        assert.ok(error instanceof SnapshotDoctorError, `${output}: ${error.stack}`);
        assert.ok(error.message.startsWith(`${output}: cannot create: `), error.message);
        assert.equal(error.message.split('\n').length, 1, error.message);
        return true;
      });
    }
  });
});

test('missing output folders are made, and removed again when the copy fails', GUARD, async () => {
  await withTemp(async (dir) => {
    const input = join(dir, 'velero.log');
    await writeFile(input, LOG);
    const output = join(dir, 'new', 'deeper', 'velero.log');
    const result = await redactCopy(input, output);
    assert.equal(result.output, output);
    assert.ok(!(await readFile(output, 'utf8')).includes('planted-copy-passw0rd'));

    const broken = join(dir, 'broken.tar.gz');
    await writeFile(broken, 'not an archive at all');
    await assert.rejects(redactCopy(broken, join(dir, 'made', 'for', 'nothing.tar.gz')), SnapshotDoctorError);
    await assert.rejects(stat(join(dir, 'made')), { code: 'ENOENT' }, 'the folders made for a failed copy are gone');
  });
});
