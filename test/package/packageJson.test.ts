/**
 * The package.json invariants a user's install depends on, checked in milliseconds (no pack, no
 * install). The slow end-to-end version is `npm run check:package` (scripts/check-package.mjs).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(__dirname, '..', '..');

interface PackageJson {
  readonly name: string;
  readonly license: string;
  readonly main: string;
  readonly types: string;
  readonly typesVersions: Record<string, Record<string, readonly string[]>>;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly bin: Record<string, string>;
  readonly files: readonly string[];
  readonly engines: { readonly node: string };
  readonly scripts: Record<string, string>;
  readonly repository: { readonly type: string; readonly url: string };
  readonly homepage: string;
  readonly bugs: { readonly url: string };
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const json = (file: string): { compilerOptions?: Record<string, unknown>; extends?: string } =>
  JSON.parse(readFileSync(join(root, file), 'utf8')) as { compilerOptions?: Record<string, unknown>; extends?: string };
const buildOptions = { ...json('tsconfig.json').compilerOptions, ...json('tsconfig.build.json').compilerOptions };

/** Whether `path` (relative to the root) is included by one of the `files` entries (a path, a directory, or `dir/*.ext`). */
function ships(path: string): boolean {
  if (['package.json', 'README.md', 'LICENSE'].includes(path)) return true; // npm always includes these
  return pkg.files.some((entry) => {
    if (entry.includes('*')) {
      const [dir, pattern = ''] = [dirname(entry), entry.slice(dirname(entry).length + 1)];
      const suffix = pattern.replace(/^\*/, '');
      return dirname(path) === dir && !pattern.slice(1).includes('*') && path.endsWith(suffix);
    }
    return path === entry || path.startsWith(`${entry}/`);
  });
}

/** `dist/x/y.js` or `.d.ts` → the `src/x/y.ts` it is built from. */
const sourceOf = (built: string): string => built.replace(/^\.\//, '').replace(/^dist\//, 'src/').replace(/(\.d)?\.js$|\.d\.ts$/, '.ts');

describe('package.json', () => {
  it('takes rxjs as a peer (the app’s copy), pinned exactly as a dev dependency inside the peer range', () => {
    expect(pkg.dependencies).not.toHaveProperty('rxjs');
    const range = pkg.peerDependencies['rxjs'];
    expect(range).toMatch(/^\^7\.\d+\.\d+$/);
    const dev = pkg.devDependencies['rxjs'];
    expect(dev).toMatch(/^7\.\d+\.\d+$/); // exact
    const [, minMinor = '0', minPatch = '0'] = (range ?? '').slice(1).split('.');
    const [, devMinor = '0', devPatch = '0'] = (dev ?? '').split('.');
    expect(Number(devMinor) * 1_000 + Number(devPatch)).toBeGreaterThanOrEqual(Number(minMinor) * 1_000 + Number(minPatch));
    // The installed rxjs is the dev dependency.
    expect((JSON.parse(readFileSync(require.resolve('rxjs/package.json'), 'utf8')) as { version: string }).version).toBe(dev);
  });

  it('gives every exports subpath its types under node10 too (typesVersions), all built from src/', () => {
    const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json');
    expect(subpaths).toContain('.');
    expect(subpaths).toContain('./emulator');
    const mapped = pkg.typesVersions['*'] ?? {};
    for (const subpath of subpaths) {
      const target = pkg.exports[subpath];
      expect(typeof target).toBe('object');
      const { types, default: js } = target as Record<string, string>;
      expect(Object.keys(target as object)[0]).toBe('types'); // TypeScript reads conditions in order
      expect(types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
      expect(js).toMatch(/^\.\/dist\/.*\.js$/);
      expect(existsSync(join(root, sourceOf(types ?? '')))).toBe(true);
      expect(sourceOf(types ?? '')).toBe(sourceOf(js ?? ''));
      if (subpath === '.') {
        expect(pkg.types).toBe(types);
        expect(pkg.main).toBe(js);
      } else {
        expect(mapped[subpath.slice(2)]).toEqual([types]);
      }
    }
    // typesVersions names no subpath that exports does not have.
    for (const key of Object.keys(mapped)) expect(subpaths).toContain(`./${key}`);
  });

  it('ships what it points at: dist/, the bin, the sources of its source maps, LICENSE', () => {
    expect(ships('dist/index.js')).toBe(true);
    for (const bin of Object.values(pkg.bin)) {
      expect(ships(bin.replace(/^\.\//, ''))).toBe(true);
      expect(readFileSync(join(root, sourceOf(bin)), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    }
    // Maps of dist/ point at ../src/*.ts: they only help if src/ ships too.
    if (buildOptions['sourceMap'] === true || buildOptions['declarationMap'] === true) expect(ships('src/index.ts')).toBe(true);
    expect(ships('test/client/sessions.test.ts')).toBe(false);
    expect(ships('bench/run.ts')).toBe(false);
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(ships('CHANGELOG.md')).toBe(true);
  });

  it('builds on a git install (prepare), states its Node versions, and names one repository everywhere', () => {
    expect(pkg.scripts['prepare']).toBe('npm run build');
    expect(pkg.engines.node).toBe('>=20');
    const base = pkg.homepage.replace(/#readme$/, '');
    expect(base).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${base}.git` });
    expect(pkg.bugs.url).toBe(`${base}/issues`);
  });

  it('has relative links in the shipped markdown only to files that ship', () => {
    const markdown = ['README.md', 'CHANGELOG.md', ...listFiles('docs'), ...listFiles('examples')].filter((f) => f.endsWith('.md') && ships(f));
    expect(markdown).toContain('docs/testing.md');
    const broken: string[] = [];
    for (const file of markdown) {
      for (const [, target = ''] of readFileSync(join(root, file), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:|^#/.test(target)) continue;
        const path = relative(root, resolve(root, dirname(file), target.split('#')[0] ?? ''));
        if (!existsSync(join(root, path)) || !ships(path)) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(root, path)).isDirectory() ? listFiles(path) : [path];
  });
}
