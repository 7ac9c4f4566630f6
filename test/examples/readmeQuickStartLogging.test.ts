/**
 * `AZURE_LOG_LEVEL=info node quickstart.js`: the README quick start, run as its own process on the
 * built package (`dist/`; build first: `npm run build`), prints connection, accept, renewal and
 * lock-loss lines to stderr — and nothing secret.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const snippet = /## Quick start[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];

test('AZURE_LOG_LEVEL=info logs the quick start to stderr', async () => {
  expect(fs.existsSync(path.join(root, 'dist', 'index.js'))).toBe(true);
  const source = snippet!.split('\n');
  const imports = source.filter((l) => l.startsWith('import '));
  const body = source.filter((l) => !l.startsWith('import '));
  const wrapped = `${imports.join('\n')}\n(async () => {\n${body.join('\n')}\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
  const js = ts.transpileModule(wrapped, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const modules = {
    'servicebus-rx': path.join(root, 'dist', 'index.js'),
    'servicebus-rx/emulator': path.join(root, 'dist', 'emulator', 'index.js'),
    rxjs: require.resolve('rxjs'),
  };
  const prelude = `const __map = ${JSON.stringify(modules)}; const __req = require; require = (id) => __req(__map[id] ?? id);\n`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbrx-log-'));
  const file = path.join(dir, 'quickstart.js');
  fs.writeFileSync(file, prelude + js.replace(/^"use strict";/, ''));
  try {
    const child = spawn(process.execPath, [file], { env: { ...process.env, AZURE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout.split('\n')[0]).toBe('held');
    expect(stderr).toMatch(/^azure:servicebus-rx:connection:info connected to localhost:\d+ \(plain TCP\)$/m);
    expect(stderr).toMatch(/^azure:servicebus-rx:session:info accepted session 'customer-1' on 'orders'/m);
    expect(stderr).toMatch(/^azure:servicebus-rx:renewal:info auto-renew of session 'customer-1' started/m);
    expect(stderr).toMatch(/^azure:servicebus-rx:renewal:info lock of session 'customer-1' released \(session closed\)$/m);
    expect(stderr).toMatch(/^azure:servicebus-rx:connection:info disconnected from localhost:\d+/m);
    expect(stderr).not.toContain('SAS_KEY_VALUE');
    expect(stderr).not.toMatch(/sig=(?!<redacted>)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
