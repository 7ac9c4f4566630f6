import { Observable } from 'rxjs';
import { ConnectionClosedError, type ServiceBusRxError } from '../errors';
import type { OpenedLinks } from './openLinks';

/**
 * Builds a link user (`RequestResponseLink`, `MessageSender`) on opened links and fails it (failing
 * everything it has in flight) when the links fail or are closed (`what` names it in that error).
 */
export function wrapLinks<T, U extends { fail(error: ServiceBusRxError): void }>(links$: Observable<OpenedLinks<T>>, build: (value: T) => U, what: string): Observable<U> {
  return new Observable<U>((subscriber) => {
    let user: U | undefined;
    const sub = links$.subscribe({
      next: ({ value }) => {
        user = build(value);
        subscriber.next(user);
      },
      error: (err: ServiceBusRxError) => {
        user?.fail(err);
        subscriber.error(err);
      },
    });
    return () => {
      user?.fail(new ConnectionClosedError(`The ${what} link was closed.`, { retryable: true }));
      sub.unsubscribe();
    };
  });
}
