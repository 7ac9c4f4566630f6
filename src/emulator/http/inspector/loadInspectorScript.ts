import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The browser script, compiled by `tsconfig.inspector.json` from `browser/inspector.ts` into
 * `dist/emulator/http/inspector-web/`. Read once; found next to the compiled broker (`dist/…`) or,
 * when the broker runs from source (ts-jest), in the built `dist/` of the repository.
 *
 * @returns the script, or `undefined` when it has not been built (`npm run build`).
 */
export function loadInspectorScript(): string | undefined {
  const candidates = [
    join(__dirname, '..', 'inspector-web', 'browser', 'inspector.js'),
    join(__dirname, '..', '..', '..', '..', 'dist', 'emulator', 'http', 'inspector-web', 'browser', 'inspector.js'),
  ];
  for (const candidate of candidates) {
    try {
      return readFileSync(candidate, 'utf8');
    } catch {
      // try the next place
    }
  }
  return undefined;
}
