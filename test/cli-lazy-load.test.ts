// Each command loads only what it needs: the Kubernetes client only for collect/diagnose, no engine or formatters for --help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The URLs of every module the CLI (sources, through tsx) resolves for `argv`, recorded by a resolve hook. */
function modulesLoadedBy(argv: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sd-lazy-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\n'); return r; }\n");
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const script = `import { main } from './src/cli/main.ts'; process.exitCode = await main(${JSON.stringify(argv)});`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', register, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return run.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
}

test('--help loads neither the Kubernetes client, the engine, handlebars nor the formatters', () => {
  const loaded = modulesLoadedBy(['--help']);
  assert.ok(loaded.some((u) => u.includes('/cli/main')), 'the hook saw the CLI load');
  for (const heavy of ['@kubernetes/client-node', '/handlebars/', '/ajv/', '/src/engine/', '/src/formatters/html']) {
    assert.equal(loaded.find((u) => u.includes(heavy)), undefined, `${heavy} is loaded by --help`);
  }
});

test('analyze does not load the Kubernetes client', () => {
  const loaded = modulesLoadedBy(['analyze', 'fixtures/sample-bundle', '--format', 'json', '--fail-on', 'none']);
  assert.ok(loaded.some((u) => u.includes('/src/engine/')), 'the hook saw the engine load');
  assert.equal(loaded.find((u) => u.includes('@kubernetes/client-node')), undefined);
});
