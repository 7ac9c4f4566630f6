import type { Session } from 'rhea';

/** The rhea session method this module wraps (rhea's typings do not declare it). */
interface LinkFactory {
  create_link(name: string, constructor: LinkConstructor, options: unknown): object;
}
type LinkConstructor = new (session: Session, name: string, handle: number, options: unknown) => object;
/** rhea's `link.init` (shared by Sender and Receiver through their prototype chain). */
type LinkInit = (this: object, ...args: unknown[]) => void;

/** Per rhea link class: its lean subclass. */
const leanClasses = new WeakMap<LinkConstructor, LinkConstructor>();

/**
 * Makes the receivers created on `session` lean: rhea's `link.init` defines ten getters (`source`,
 * `target`, `properties`, `max_message_size`, … and `error`) on every link instance, each a closure of
 * its own, which gives every receiver its own hidden classes and turns it into a dictionary-mode object
 * (~3 KB per link, for thousands of session receivers). A lean receiver is an instance of a subclass of
 * rhea's `Receiver` whose `init` runs rhea's own on a scratch object, copies the fields it set (its
 * enumerable own properties, in order) and leaves out the getters, which the subclass defines once on
 * its prototype (the same functions: they read `this.remote.attach`), and its options become a flat
 * plain copy (see below). Behaviour is unchanged; the
 * receiver stays `instanceof` rhea's class. Instance-level: only links created on this session, and
 * only receivers (senders are created as before).
 */
export function leanReceivers(session: Session): void {
  const factory = session as unknown as LinkFactory;
  const createLink = factory.create_link;
  factory.create_link = function (this: LinkFactory, name, constructor, options) {
    const isReceiver = typeof constructor === 'function' && constructor.name === 'Receiver';
    return createLink.call(this, name, isReceiver ? leanClass(constructor) : constructor, options);
  };
}

/** The lean subclass of a rhea link class (made once per class). */
function leanClass(base: LinkConstructor): LinkConstructor {
  let lean = leanClasses.get(base);
  if (lean !== undefined) return lean;
  const baseInit = (base.prototype as { init: LinkInit }).init;
  let gettersDefined = false;
  const prototype = Object.create(base.prototype as object) as { init: LinkInit };
  lean = function LeanReceiver(this: object, ...args: ConstructorParameters<LinkConstructor>) {
    base.apply(this, args);
  } as unknown as LinkConstructor;
  prototype.init = function (this: object, ...args: unknown[]): void {
    const target = this as Record<string, unknown>;
    const scratch = Object.create(Object.getPrototypeOf(this) as object) as Record<string, unknown>;
    baseInit.apply(scratch, args);
    if (!gettersDefined) {
      gettersDefined = true;
      for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(scratch))) {
        if (descriptor.get !== undefined && !descriptor.enumerable) Object.defineProperty(prototype, key, { get: descriptor.get, configurable: true });
      }
    }
    for (const key of Object.keys(scratch)) target[key] = scratch[key];
    // rhea's attach() gives each link options whose prototype is a fresh object (the default options),
    // so every link's options object has a hidden class of its own; rhea only reads them afterwards
    // (`get_option`), so a flat copy (inherited defaults included) reads the same and shares one.
    const options = target['options'] as Record<string, unknown>;
    const flat: Record<string, unknown> = {};
    for (const key in options) flat[key] = options[key];
    target['options'] = flat;
  };
  Object.defineProperty(prototype, 'constructor', { value: base, writable: true, configurable: true });
  lean.prototype = prototype;
  leanClasses.set(base, lean);
  return lean;
}
