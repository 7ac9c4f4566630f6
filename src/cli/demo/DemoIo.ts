/** Where the demo writes, and what it knows about the terminal. */
export interface DemoIo {
  /** The live view, progress lines and the summary. */
  readonly write: (text: string) => void;
  /** Usage errors and failures. */
  readonly err: (text: string) => void;
  /** Redraw in place (true on an interactive terminal). */
  readonly isTTY: () => boolean;
  /** Terminal width. */
  readonly columns: () => number;
  /** Resolves when the user asks to stop (Ctrl-C); the demo then ends early with its summary. Called once. */
  readonly stopRequested: () => { readonly promise: Promise<void>; readonly dispose: () => void };
}

/** The real process: stdout (a TTY or not), stderr, SIGINT / SIGTERM. */
export const processDemoIo: DemoIo = {
  write: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isTTY: () => process.stdout.isTTY === true,
  columns: () => process.stdout.columns ?? 120,
  stopRequested: () => {
    let dispose = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      const onSignal = (): void => {
        dispose();
        resolve();
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
