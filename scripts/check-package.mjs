#!/usr/bin/env node
// `npm run check:package`: installs servicebus-rx the way a user does and checks that it works.
//
// 1. `npm pack` (which runs `prepare`, i.e. a clean build) and checks the tarball's contents: LICENSE,
//    README, CHANGELOG, the entry points of every `exports` subpath, and that every source map's sources ship.
// 2. For each consumer kind — TS nodenext, TS node10/commonjs, TS bundler, ESM .mjs, CommonJS .cjs — a
//    fresh project in a temp dir: `rxjs@7.8.1` installed first, then the tarball; `npm ls rxjs` must show a
//    single copy; the README quick start (taken from the packed README) type-checks (TS kinds) and runs
//    against `servicebus-rx/emulator`, and the process exits by itself.
// 3. The lowest rxjs of the peer range (`rxjs@7.5.0`): a CommonJS consumer type-checks, runs the quick start
//    and the CLI demo (which uses pools, auto-renewal and settlement).
// 4. Node 22 and 24 (installed with the registry's `node` package) run the ESM and CommonJS quick starts
//    and the CLI demo: the `engines` range (>=20) is tested, not only stated.
// 5. `npm install git+file://<clone>` of the committed HEAD: `prepare` builds dist/, the library loads
//    and the `servicebus-rx` CLI runs.
//
// Uses the npm registry; every child process has a timeout and the whole run a deadline.
// Options: --keep (leave the temp dir for inspection), --skip-git (no step 5).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const DEADLINE_MS = 15 * 60_000;
const started = Date.now();
const RXJS = '7.8.1';
const RXJS_MIN = '7.5.0';
const TYPESCRIPT = '5.9.3';
const TYPES_NODE = '20.19.43';
/** Node majors checked besides the one running this script (installed from the npm registry's `node` package). */
const NODE_MAJORS = ['22', '24'];
const npmQuiet = ['--no-audit', '--no-fund', '--loglevel=error'];

const work = mkdtempSync(join(tmpdir(), 'servicebus-rx-check-'));
let failed = false;

function elapsed() {
  return `${((Date.now() - started) / 1_000).toFixed(0).padStart(4)} s`;
}

function log(line) {
  process.stdout.write(`[${elapsed()}] ${line}\n`);
}

/** Runs a command; throws with its output when it fails, times out, or the run's deadline is near. */
function run(cmd, argv, { cwd, timeoutMs = 180_000, env } = {}) {
  const left = DEADLINE_MS - (Date.now() - started);
  if (left <= 0) throw new Error(`deadline of ${DEADLINE_MS / 60_000} min passed before: ${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', timeout: Math.min(timeoutMs, left), env: { ...process.env, ...env }, killSignal: 'SIGKILL' });
  if (r.error || r.status !== 0) {
    const why = r.error?.code === 'ETIMEDOUT' ? `timed out after ${Math.min(timeoutMs, left) / 1_000} s` : r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(`${cmd} ${argv.join(' ')} (in ${cwd ?? repo}): ${why}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return r.stdout;
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function step(name, fn) {
  try {
    const detail = fn();
    log(`ok   ${name}${detail ? ` — ${detail}` : ''}`);
  } catch (e) {
    failed = true;
    log(`FAIL ${name}\n${String(e instanceof Error ? e.message : e).replace(/^/gm, '       ')}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// 1. The tarball

let tarball;
let quickStart;
step('npm pack (prepare builds dist/)', () => {
  const out = run('npm', ['pack', '--json', '--pack-destination', work, ...npmQuiet], { cwd: repo, timeoutMs: 240_000 });
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  tarball = join(work, info.filename);
  return `${info.filename}, ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB packed`;
});
if (!tarball) finish();

const unpacked = join(work, 'unpacked');
step('tarball contents', () => {
  mkdirSync(unpacked);
  run('tar', ['-xzf', tarball, '-C', unpacked]);
  const root = join(unpacked, 'package');
  const files = listFiles(root).map((f) => relative(root, f));
  const has = new Set(files);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) assert(has.has(f), `${f} is not in the tarball`);
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const targets = typeof target === 'string' ? [target] : Object.values(target);
    for (const t of targets) assert(has.has(t.replace(/^\.\//, '')), `exports['${subpath}'] → ${t} is not in the tarball`);
  }
  for (const t of Object.values(pkg.bin)) assert(has.has(t.replace(/^\.\//, '')), `bin ${t} is not in the tarball`);
  // Every source map's sources must ship, or a debugger shows nothing.
  const maps = files.filter((f) => f.endsWith('.map'));
  for (const m of maps) {
    const map = JSON.parse(readFileSync(join(root, m), 'utf8'));
    for (const s of map.sources) {
      const source = relative(root, resolve(root, dirname(m), map.sourceRoot ?? '', s));
      assert(has.has(source), `${m} points at ${source}, which is not in the tarball`);
    }
  }
  // Relative links in the shipped markdown must resolve inside the package.
  for (const md of files.filter((f) => f.endsWith('.md'))) {
    for (const [, target] of readFileSync(join(root, md), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:|^#/.test(target)) continue;
      const path = relative(root, resolve(root, dirname(md), target.split('#')[0]));
      assert(has.has(path), `${md} links to ${target}, which is not in the tarball`);
    }
  }
  for (const f of files) assert(!/^(test|bench|scripts)\//.test(f) && !f.endsWith('.test.ts'), `${f} should not ship`);
  quickStart = /## Quick start\s+```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1];
  assert(quickStart?.includes("from 'servicebus-rx/emulator'"), 'README.md has no quick start importing servicebus-rx/emulator');
  return `${files.length} files, ${maps.length} source maps with their sources, ${files.filter((f) => f.endsWith('.md')).length} markdown files with working relative links`;
});

// ---------------------------------------------------------------------------------------------------
// 2–3. Consumer projects, the last one on the lowest rxjs of the peer range

/** The quick start as a CommonJS program: imports become requires, the rest runs in an async function. */
function asCommonJs(source, { typescript }) {
  const lines = source.split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  const body = lines.filter((l) => !l.startsWith('import ') && l.trim() !== '');
  const head = typescript ? imports : imports.map((l) => l.replace(/^import (\{[^}]*\}) from ('[^']+');$/, 'const $1 = require($2);'));
  return `${head.join('\n')}\n\nasync function main()${typescript ? ': Promise<void>' : ''} {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n\nmain().then(\n  () => console.log('quick start: done'),\n  (e) => {\n    console.error(e);\n    process.exitCode = 1;\n  },\n);\n`;
}

const asEsm = (source) => `${source}console.log('quick start: done');\n`;

const tsconfigBase = { target: 'ES2022', lib: ['ES2022'], types: ['node'], strict: true, skipLibCheck: false, outDir: 'out', rootDir: '.' };
const consumers = [
  { name: 'TS nodenext (ESM)', dir: 'ts-nodenext', type: 'module', file: 'index.ts', ts: { module: 'nodenext', moduleResolution: 'nodenext' }, code: asEsm, main: 'out/index.js' },
  { name: 'TS node10/commonjs', dir: 'ts-node10', type: 'commonjs', file: 'index.ts', ts: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true }, code: (s) => asCommonJs(s, { typescript: true }), main: 'out/index.js' },
  { name: 'TS bundler', dir: 'ts-bundler', type: 'module', file: 'index.ts', ts: { module: 'esnext', moduleResolution: 'bundler' }, code: asEsm, main: 'out/index.js' },
  { name: 'ESM .mjs', dir: 'esm', file: 'index.mjs', code: asEsm, main: 'index.mjs' },
  { name: 'CommonJS .cjs', dir: 'cjs', file: 'index.cjs', code: (s) => asCommonJs(s, { typescript: false }), main: 'index.cjs' },
  { name: `TS node10/commonjs with rxjs@${RXJS_MIN} (lowest of the peer range) + CLI demo`, dir: 'rxjs-min', type: 'commonjs', file: 'index.ts', rxjs: RXJS_MIN, ts: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true }, code: (s) => asCommonJs(s, { typescript: true }), main: 'out/index.js', demo: true },
];

for (const c of consumers) {
  if (!quickStart) break;
  step(`consumer: ${c.name}`, () => {
    const dir = join(work, c.dir);
    const rxjs = c.rxjs ?? RXJS;
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `consumer-${c.dir}`, version: '1.0.0', private: true, ...(c.type ? { type: c.type } : {}) }, null, 2)}\n`);
    run('npm', ['install', '--save-exact', `rxjs@${rxjs}`, ...(c.ts ? [`typescript@${TYPESCRIPT}`, `@types/node@${TYPES_NODE}`] : []), ...npmQuiet], { cwd: dir });
    run('npm', ['install', tarball, ...npmQuiet], { cwd: dir });
    const copies = run('npm', ['ls', 'rxjs', '--all', '--parseable'], { cwd: dir }).split('\n').filter((l) => l.trim() !== '');
    assert(copies.length === 1, `expected one rxjs, npm ls finds ${copies.length}:\n${copies.join('\n')}`);
    const version = JSON.parse(readFileSync(join(copies[0], 'package.json'), 'utf8')).version;
    assert(version === rxjs, `the rxjs in use is ${version}, expected the app's ${rxjs}`);
    writeFileSync(join(dir, c.file), c.code(quickStart));
    if (c.ts) {
      writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions: { ...tsconfigBase, ...c.ts }, include: [c.file] }, null, 2)}\n`);
      run(join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: dir });
    }
    // Exits by itself: a handle left open by the library would hit the timeout.
    const out = run(process.execPath, [c.main], { cwd: dir, timeoutMs: 60_000 });
    assert(out.includes('quick start: done'), `the quick start did not finish:\n${out}`);
    const kinds = out.split('\n').filter((l) => l && l !== 'quick start: done');
    let detail = `rxjs ${version} single copy${c.ts ? ', type-checks' : ''}, quick start ran (lock$ kinds: ${kinds.join(' ') || 'none'})`;
    if (c.demo) {
      const bin = join(dir, 'node_modules', '.bin', 'servicebus-rx');
      const demo = run(bin, ['demo', '--duration', '2', '--sessions', '3', '--messages', '2', '--plain'], { cwd: dir, timeoutMs: 90_000 });
      const verdict = demo.split('\n').find((l) => l.includes('nothing lost'));
      assert(verdict, `demo summary has no "nothing lost" line:\n${demo}`);
      detail += `; demo: ${verdict.trim()}`;
    }
    return detail;
  });
}

// ---------------------------------------------------------------------------------------------------
// 4. The other supported Node versions (engines: >=20; this script itself runs on the 20 the suite uses)

for (const major of NODE_MAJORS) {
  if (!quickStart) break;
  step(`Node ${major}: the ESM and CommonJS quick starts and the CLI demo`, () => {
    const dir = join(work, `node-${major}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `node-${major}`, version: '1.0.0', private: true }, null, 2)}\n`);
    run('npm', ['install', `node@${major}`, ...npmQuiet], { cwd: dir });
    const node = join(dir, 'node_modules', '.bin', 'node');
    const version = run(node, ['--version']).trim();
    assert(version.startsWith(`v${major}.`), `node@${major} installed ${version}`);
    for (const c of ['esm', 'cjs']) {
      const consumer = consumers.find((k) => k.dir === c);
      const out = run(node, [consumer.main], { cwd: join(work, c), timeoutMs: 60_000 });
      assert(out.includes('quick start: done'), `the ${c} quick start did not finish on ${version}:\n${out}`);
    }
    const cli = join(work, 'cjs', 'node_modules', 'servicebus-rx', 'dist', 'cli', 'main.js');
    const demo = run(node, [cli, 'demo', '--duration', '2', '--sessions', '3', '--messages', '2', '--plain'], { cwd: join(work, 'cjs'), timeoutMs: 90_000 });
    const verdict = demo.split('\n').find((l) => l.includes('nothing lost'));
    assert(verdict, `demo summary on ${version} has no "nothing lost" line:\n${demo}`);
    return `${version}: quick starts ran; demo: ${verdict.trim()}`;
  });
}

// ---------------------------------------------------------------------------------------------------
// 5. Install from git

if (!args.has('--skip-git')) {
  step('npm install git+file://<clone of HEAD> (prepare builds dist/, CLI works)', () => {
    const dirty = run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo }).trim();
    const clone = join(work, 'clone');
    run('git', ['clone', '--quiet', '--no-hardlinks', repo, clone], { timeoutMs: 60_000 });
    const dir = join(work, 'git-consumer');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer-git', version: '1.0.0', private: true }, null, 2)}\n`);
    run('npm', ['install', '--save-exact', `rxjs@${RXJS}`, ...npmQuiet], { cwd: dir });
    run('npm', ['install', `git+file://${clone}`, ...npmQuiet], { cwd: dir, timeoutMs: 420_000 });
    const installed = join(dir, 'node_modules', 'servicebus-rx');
    assert(existsSync(join(installed, 'dist', 'index.js')), 'dist/index.js is missing after the git install');
    const copies = run('npm', ['ls', 'rxjs', '--all', '--parseable'], { cwd: dir }).split('\n').filter((l) => l.trim() !== '');
    assert(copies.length === 1, `expected one rxjs, npm ls finds ${copies.length}`);
    const loaded = run(process.execPath, ['-e', "const m = require('servicebus-rx'); const e = require('servicebus-rx/emulator'); console.log(typeof m.ServiceBusClient, typeof e.startEmulator)"], { cwd: dir });
    assert(loaded.trim() === 'function function', `require('servicebus-rx') / ('servicebus-rx/emulator') gave: ${loaded}`);
    const version = run(join(dir, 'node_modules', '.bin', 'servicebus-rx'), ['--version'], { cwd: dir }).trim();
    const help = run(join(dir, 'node_modules', '.bin', 'servicebus-rx'), ['emulator', '--help'], { cwd: dir });
    assert(help.startsWith('Usage: servicebus-rx emulator'), `servicebus-rx emulator --help printed:\n${help}`);
    return `servicebus-rx --version → ${version}${dirty ? ' (note: checks the committed HEAD; the working tree has uncommitted changes)' : ''}`;
  });
}

finish();

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function finish() {
  if (args.has('--keep')) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  log(failed ? 'check:package FAILED' : 'check:package passed');
  process.exit(failed ? 1 : 0);
}
