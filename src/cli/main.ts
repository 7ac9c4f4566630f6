#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type CliIo, processIo } from './CliIo';
import { runEmulatorCommand } from './emulatorCommand';
import { mainUsage } from './usage';

/**
 * The `servicebus-rx` command line: `emulator`, `demo`, `--help`, `--version`.
 * @returns the exit code: 0 success, 1 runtime failure, 2 bad command line (one line + usage on stderr).
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'emulator':
      return runEmulatorCommand(rest, io);
    case 'demo':
      // Loaded on demand: the client and the demo's view cost the emulator's cold start ~60 ms.
      return (await import('./demoCommand')).runDemo(rest);
    case '-h':
    case '--help':
    case 'help':
      io.out(mainUsage);
      return 0;
    case '-v':
    case '--version':
      io.out(`${version()}\n`);
      return 0;
    case undefined:
      return usageError(io, 'missing command');
    default:
      return usageError(io, command.startsWith('-') ? `unknown option '${command}'` : `unknown command '${command}'`);
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(`servicebus-rx: ${message}\n\n${mainUsage}`);
  return 2;
}

function version(): string {
  // dist/cli/main.js and src/cli/main.ts both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => exit(code),
    (e: unknown) => {
      process.stderr.write(`servicebus-rx: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      exit(1);
    },
  );
}

/** Lets Node exit on its own once everything is closed; forces it if a handle is still open 2 s later. */
function exit(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    process.stderr.write('servicebus-rx: handles still open after shutdown; forcing exit\n');
    process.exit(code);
  }, 2_000).unref();
}
