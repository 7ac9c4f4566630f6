/** An inspector action the broker refuses: the HTTP status and the reason the page shows. */
export class InspectorActionError extends Error {
  override readonly name = 'InspectorActionError';
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}
