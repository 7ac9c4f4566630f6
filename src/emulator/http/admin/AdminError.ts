/**
 * A failed administration request: the HTTP status and the detail the SDK shows as the error message
 * (it maps 400 → `ServiceError`, 401 → `UnauthorizedRequestError`, 404 → `MessageEntityNotFoundError`,
 * 409 on create → `MessageEntityAlreadyExistsError`).
 */
export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(detail, options);
  }
}
