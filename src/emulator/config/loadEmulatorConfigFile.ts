import { readFileSync } from 'node:fs';

import { EmulatorConfigError, isEmulatorConfigError } from './EmulatorConfigError';
import type { EmulatorEntities } from './EmulatorEntities';
import { parseEmulatorConfig } from './parseEmulatorConfig';

/**
 * Reads a `Config.json` file (official Azure Service Bus emulator format) and returns its queues and topics,
 * as {@link parseEmulatorConfig} does. Synchronous: meant for start-up.
 *
 * @param path - the file to read (UTF-8 JSON; a leading byte-order mark is tolerated).
 * @param onWarning - receives each warning (unknown property…); default `console.warn`.
 * @throws EmulatorConfigError with `file` set: the file cannot be read (`field` `''`), is not valid
 *   JSON (`field` `''`, message with the parser's position), or holds an invalid value (`field` = its JSON path).
 */
export function loadEmulatorConfigFile(path: string, onWarning?: (message: string) => void): EmulatorEntities {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new EmulatorConfigError('', `cannot read the file: ${messageOf(cause)}`, { cause, file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new EmulatorConfigError('', `not valid JSON: ${messageOf(cause)}`, { cause, file: path });
  }
  try {
    return parseEmulatorConfig(json, onWarning);
  } catch (cause) {
    if (isEmulatorConfigError(cause)) throw new EmulatorConfigError(cause.field, cause.problem, { cause, file: path });
    throw cause;
  }
}

// Not `instanceof Error`: errors from node:fs may come from another realm (e.g. under jest).
function messageOf(cause: unknown): string {
  const message = (cause as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(cause);
}
