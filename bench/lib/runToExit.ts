/**
 * Runs a bench script's `main` and ends the process: exit code 0 when it resolves, 1 (the error on
 * stderr) when it rejects, whatever handles are still open (a child's pipes, sockets still closing).
 */
export function runToExit(main: () => Promise<unknown>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
