// Every real fixture read through `redact`: analyze finds the same before and after, and the sample bundle's findings are there to compare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { redactCopy } from '../../src/redact/copy.js';
import { sameDiagnosis } from './support/diagnosis.js';

/** The analyzable inputs of a fixture folder: its one bundle folder, itself as a bundle, or each of its files. */
async function inputsOf(folder: string): Promise<string[]> {
  const inner = (await readdir(folder)).filter((name) => !name.endsWith('.md')).sort();
  const kinds = await Promise.all(inner.map(async (name) => ((await lstat(join(folder, name))).isDirectory() ? 'dir' : 'file')));
  if (inner.length === 1 && kinds[0] === 'dir') return [join(folder, inner[0]!)];
  if (kinds.includes('dir')) return [folder];
  return inner.map((name) => join(folder, name));
}

async function fixtureInputs(): Promise<string[]> {
  const inputs: string[] = [...(await inputsOf('fixtures/sample-bundle'))];
  for (const group of ['fixtures/formats', 'fixtures/healthy']) {
    for (const name of (await readdir(group)).sort()) {
      if ((await lstat(join(group, name))).isDirectory()) inputs.push(...(await inputsOf(join(group, name))));
    }
  }
  return inputs;
}

test('every fixture: the same findings, inventory and versions before and after redact', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sd-redact-fixtures-'));
  try {
    const inputs = await fixtureInputs();
    assert.ok(inputs.length >= 20, `the fixtures were found (${inputs.length})`);
    let sampleFindings = 0;
    for (const [index, input] of inputs.entries()) {
      const output = join(dir, `${index}-${basename(input)}`);
      await redactCopy(input, output);
      const report = await sameDiagnosis(input, output);
      if (input.startsWith('fixtures/sample-bundle')) sampleFindings = report.findings.length;
    }
    assert.ok(sampleFindings > 0, 'the sample bundle has findings to compare');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
