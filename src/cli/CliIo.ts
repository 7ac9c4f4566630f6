/** What the CLI commands need from the process: two output streams and the stop signals. */
export interface CliIo {
  /** Writes to standard output (only machine-readable results go here). */
  readonly out: (text: string) => void;
  /** Writes to standard error (logs, warnings, errors, usage after an error). */
  readonly err: (text: string) => void;
  /** Resolves with the first of SIGINT / SIGTERM received from now on; later signals get Node's default handling. */
  readonly nextStopSignal: () => Promise<NodeJS.Signals>;
}

/** The real process: `process.stdout`, `process.stderr`, `SIGINT` / `SIGTERM`. */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  nextStopSignal: () =>
    new Promise((resolve) => {
      const signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
      const onSignal = (signal: NodeJS.Signals): void => {
        // Drop both handlers: a second Ctrl-C during shutdown then terminates the process.
        for (const s of signals) process.off(s, onSignal);
        resolve(signal);
      };
      for (const s of signals) process.on(s, onSignal);
    }),
};
