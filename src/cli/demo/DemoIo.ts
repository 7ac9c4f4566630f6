/** Where the demo writes, and what it knows about the terminal. */
export interface DemoIo {
  /** The live view, progress lines and the summary. */
  readonly write: (text: string) => void;
  /** Usage errors and failures. */
  readonly err: (text: string) => void;
  /** Redraw in place (true on an interactive terminal). */
  readonly isTTY: () => boolean;
  /** Terminal width as the terminal reports it; 0 or `undefined` when unknown (the view then uses 80). */
  readonly columns: () => number | undefined;
  /**
   * Resolves with the signal when the user asks to stop (Ctrl-C: `SIGINT`; or `SIGTERM`); the demo then
   * ends early with its summary and exits 128 + the signal number (130 for Ctrl-C). Called once.
   */
  readonly stopRequested: () => { readonly promise: Promise<NodeJS.Signals>; readonly dispose: () => void };
}

/** The real process: stdout (a TTY or not), stderr, SIGINT / SIGTERM. */
export const processDemoIo: DemoIo = {
  write: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isTTY: () => process.stdout.isTTY === true,
  columns: () => process.stdout.columns,
  stopRequested: () => {
    let dispose = (): void => undefined;
    const promise = new Promise<NodeJS.Signals>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        // Drop both handlers: a second Ctrl-C during shutdown then terminates the process.
        dispose();
        resolve(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      dispose = () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      };
    });
    return { promise, dispose };
  },
};
