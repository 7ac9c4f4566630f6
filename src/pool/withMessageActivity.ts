import { tap, type Observable } from 'rxjs';

/**
 * A view of `session` whose `messages$` calls `onMessage` for each message; every other member is the
 * session's own (methods are bound to it, so private state keeps working). Avoids subscribing to
 * `messages$` on the caller's behalf, which would start the flow before the caller listens.
 * @internal
 */
export function withMessageActivity<S extends { readonly messages$: Observable<unknown> }>(session: S, onMessage: () => void): S {
  const messages$ = session.messages$.pipe(tap(onMessage));
  const bound = new WeakMap<object, unknown>();
  return new Proxy(session, {
    get(target, property) {
      if (property === 'messages$') return messages$;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(value);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(value, fn);
      }
      return fn;
    },
  });
}
