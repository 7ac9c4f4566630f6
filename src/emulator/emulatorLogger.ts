import { createClientLogger } from '@azure/logger';

/**
 * The broker's diagnostics, `azure:servicebus-rx:emulator:<level>` lines through `@azure/logger`
 * (`AZURE_LOG_LEVEL`, `setLogLevel`; the CLI's `--verbose` sets `verbose`). Its own module: the broker
 * never imports the client tree. Info: connections opened and closed, sessions locked; verbose:
 * links attached and detached, refused attaches, settlements. Callers test `.enabled` before
 * building a line, so a disabled level costs a property read.
 */
export const emulatorLogger = createClientLogger('servicebus-rx:emulator');
