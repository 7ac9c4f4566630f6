/**
 * `servicebus-rx demo`: placeholder until the demo is built (it is replaced by the demo's own implementation).
 * @returns exit code 1.
 */
export async function runDemo(_argv: string[]): Promise<number> {
  process.stderr.write('demo: not built yet\n');
  return 1;
}
