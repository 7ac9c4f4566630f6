/**
 * Runs the README's quick start exactly as written (its `servicebus-rx` imports mapped to this
 * repository's sources), so the first code a newcomer copies cannot rot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const snippet = /## Quick start[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];

const modules: Record<string, string> = {
  'servicebus-rx': path.join(__dirname, '..', '..', 'src'),
  'servicebus-rx/emulator': path.join(__dirname, '..', '..', 'src', 'emulator'),
};

test('the README quick start runs', async () => {
  expect(snippet).toBeDefined();
  // Wrap the top-level awaits in an async function, then transpile to CommonJS.
  const source = snippet!.split('\n');
  const imports = source.filter((l) => l.startsWith('import '));
  const body = source.filter((l) => !l.startsWith('import '));
  const wrapped = `${imports.join('\n')}\nexport async function main() {\n${body.join('\n')}\n}\n`;
  const js = ts.transpileModule(wrapped, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const exports: { main?: () => Promise<void> } = {};
  const localRequire = (id: string): unknown => require(modules[id] ?? id);
  const logged: unknown[] = [];
  const fakeConsole = { log: (...args: unknown[]) => logged.push(args.join(' ')) };
  new Function('exports', 'require', 'console', js)(exports, localRequire, fakeConsole);
  await exports.main!();
  expect(logged[0]).toBe('held');
  expect(logged).toContain('lost');
});
