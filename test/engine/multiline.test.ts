// A Go error printed over two lines (the second starts with a tab) is one line for matching and evidence, through the real readers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analyze.js';

const RULE = `id: store-denied-with-request-id
title: The store denied access (with its request id)
severity: error
category: storage
summary: AccessDenied with the store's request id.
description: The store refused; its request id is on the next line.
remediation: Give the request id to the store's administrator.
docs: [https://velero.io/docs/main/troubleshooting/]
match:
  logs:
    - regex: 'AccessDenied: Access Denied\\n\\tstatus code: 403, request id: (?<requestId>\\w+)'
      literals: ['AccessDenied']
message: "Denied, request id {{requestId}}"
`;

// The shape of an aws-sdk-go v1 request failure printed with %v: the status code and request id follow on a line that starts with a tab.
const ERROR = ['An error occurred: rpc error: code = Unknown desc = AccessDenied: Access Denied', '\tstatus code: 403, request id: 9B8A7C6D5E4F3A2B, host id: '];

describe('multi-line Go errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sd-multiline-'));
    await mkdir(join(dir, 'rules'));
    await writeFile(join(dir, 'rules', 'store.yaml'), RULE);
    await writeFile(join(dir, 'velero.log'), ['time="2024-05-01T08:00:00Z" level=info msg="Starting Velero server v1.13.2 (4d961fb)"', ...ERROR, ''].join('\n'));
    // Near miss: something else between the two lines, so they are not one error.
    await writeFile(join(dir, 'velero-apart.log'), ['time="2024-05-01T08:00:00Z" level=info msg="Starting Velero server v1.13.2 (4d961fb)"', ERROR[0], 'time="2024-05-01T08:00:01Z" level=info msg="next"', ERROR[1], ''].join('\n'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const run = (file: string) => analyze([join(dir, file)], { rulesDirs: [join(dir, 'rules')], now: new Date('2024-05-01T12:00:00Z') });

  it('the continuation joins its line: the pattern spans both, the evidence shows both, at the first line’s number', async () => {
    const finding = (await run('velero.log')).findings.find((f) => f.ruleId === 'store-denied-with-request-id');
    assert.ok(finding);
    assert.equal(finding.message, 'Denied, request id 9B8A7C6D5E4F3A2B');
    assert.deepEqual(finding.evidence.map((e) => [e.line, e.text]), [[2, ERROR.join('\n')]]);
  });

  it('near miss: a tab line after another line is not joined to the error before that', async () => {
    assert.equal((await run('velero-apart.log')).findings.some((f) => f.ruleId === 'store-denied-with-request-id'), false);
  });
});
