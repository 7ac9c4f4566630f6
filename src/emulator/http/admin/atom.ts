import { escapeXml } from './xml';

const ATOM_NS = 'http://www.w3.org/2005/Atom';
/** Namespace of the entity descriptions (`QueueDescription`, …) and the `i:` instance namespace. */
export const SB_NS = 'http://schemas.microsoft.com/netservices/2010/10/servicebus/connect';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/** What an ATOM entry says about one entity besides its description. */
export interface AtomEntry {
  /** Absolute URL of the entity (`http://host/<path>`): the SDK reads entity names from its path. */
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The description element, serialised (e.g. `<QueueDescription …>…</QueueDescription>`). */
  readonly content: string;
}

function entryXml(entry: AtomEntry, root: boolean): string {
  const id = escapeXml(entry.id);
  return (
    `<entry${root ? ` xmlns="${ATOM_NS}"` : ''}><id>${id}</id><title type="text">${escapeXml(entry.title)}</title>` +
    `<published>${new Date(entry.createdAt).toISOString()}</published><updated>${new Date(entry.updatedAt).toISOString()}</updated>` +
    `<author><name>servicebus-rx</name></author><link rel="self" href="${id}"/>` +
    `<content type="application/xml">${entry.content}</content></entry>`
  );
}

/** One entity as an ATOM entry document. */
export function atomEntry(entry: AtomEntry): string {
  return DECLARATION + entryXml(entry, true);
}

/**
 * A list of entities as an ATOM feed. `next` (the URL of the following page) is written as a second
 * link: the SDK looks for `rel="next"` only when the feed has more than one link.
 */
export function atomFeed(id: string, title: string, now: number, entries: readonly AtomEntry[], next: string | undefined): string {
  const links = `<link rel="self" href="${escapeXml(id)}"/>${next === undefined ? '' : `<link rel="next" href="${escapeXml(next)}"/>`}`;
  return (
    `${DECLARATION}<feed xmlns="${ATOM_NS}"><title type="text">${escapeXml(title)}</title><id>${escapeXml(id)}</id>` +
    `<updated>${new Date(now).toISOString()}</updated>${links}${entries.map((entry) => entryXml(entry, false)).join('')}</feed>`
  );
}

/** The body of an error response (`<Error><Code>…</Code><Detail>…</Detail></Error>`); the SDK shows `Detail`. */
export function errorXml(status: number, detail: string): string {
  return `${DECLARATION}<Error><Code>${status}</Code><Detail>${escapeXml(detail)}</Detail></Error>`;
}

/** `<Name>value</Name>` with the value escaped. */
export function tag(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Message counts in the form the SDK reads (`CountDetails` with exactly one `xmlns:` prefix). */
export function countDetails(counts: { readonly active: number; readonly deadLettered: number; readonly scheduled: number }): string {
  return (
    `<CountDetails xmlns:d2p1="http://schemas.microsoft.com/netservices/2011/06/servicebus">` +
    `${tag('d2p1:ActiveMessageCount', counts.active)}${tag('d2p1:DeadLetterMessageCount', counts.deadLettered)}` +
    `${tag('d2p1:ScheduledMessageCount', counts.scheduled)}${tag('d2p1:TransferMessageCount', 0)}${tag('d2p1:TransferDeadLetterMessageCount', 0)}` +
    `</CountDetails>`
  );
}
