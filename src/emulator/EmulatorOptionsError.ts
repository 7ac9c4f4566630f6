/** An invalid `startEmulator` option; `option` names it (e.g. `queues[1].lockDurationMs`). */
export class EmulatorOptionsError extends Error {
  override readonly name = 'EmulatorOptionsError';

  constructor(
    readonly option: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid emulator option '${option}': ${message}`, options);
  }
}
