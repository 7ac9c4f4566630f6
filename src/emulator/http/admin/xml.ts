/** One XML element: its name as written (with any prefix), attributes, child elements and text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (entities decoded), concatenated. */
  readonly text: string;
}

/** Malformed XML, or XML this parser refuses (a DOCTYPE, nesting deeper than {@link MAX_XML_DEPTH}). */
export class XmlError extends Error {
  override readonly name = 'XmlError';
}

/** Deepest element nesting accepted (the ATOM documents the SDK sends are 6 levels deep). */
export const MAX_XML_DEPTH = 32;

const NAME = /[A-Za-z_][\w.:-]*/y;
const SPACE = /\s*/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(lt|gt|amp|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Parses a small XML document (an ATOM entry) into its root element. Supports the XML declaration,
 * comments, processing instructions, CDATA, attributes and the predefined and numeric entities; refuses
 * DOCTYPE (so no entity expansion) and anything malformed.
 *
 * @throws XmlError naming what was wrong and where.
 */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at character ${at}.`);
  };
  const skipSpace = (): void => {
    SPACE.lastIndex = at;
    SPACE.exec(source);
    at = SPACE.lastIndex;
  };
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (source.startsWith('<?', at)) {
        const end = source.indexOf('?>', at);
        if (end < 0) fail('Unterminated processing instruction');
        at = end + 2;
      } else if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at);
        if (end < 0) fail('Unterminated comment');
        at = end + 3;
      } else if (source.startsWith('<!DOCTYPE', at) || source.startsWith('<!doctype', at)) {
        fail('A DOCTYPE is not accepted');
      } else return;
    }
  };
  const readName = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(source);
    if (match === null) return fail('Expected a name');
    at = NAME.lastIndex;
    return match[0];
  };
  const element = (depth: number): XmlElement => {
    if (depth > MAX_XML_DEPTH) fail(`Elements nested deeper than ${MAX_XML_DEPTH}`);
    if (source[at] !== '<') fail("Expected '<'");
    at++;
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (source[at] === '>') {
        at++;
        break;
      }
      ATTRIBUTE.lastIndex = at;
      const match = ATTRIBUTE.exec(source);
      if (match === null) return fail(`Malformed attribute in <${name}>`);
      at = ATTRIBUTE.lastIndex;
      attributes[match[1] as string] = decodeEntities(match[2] ?? match[3] ?? '');
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const next = source.indexOf('<', at);
      if (next < 0) fail(`Unclosed <${name}>`);
      text += decodeEntities(source.slice(at, next));
      at = next;
      if (source.startsWith('</', at)) {
        at += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> does not close <${name}>`);
        skipSpace();
        if (source[at] !== '>') fail("Expected '>'");
        at++;
        return { name, attributes, children, text };
      }
      if (source.startsWith('<![CDATA[', at)) {
        const end = source.indexOf(']]>', at);
        if (end < 0) fail('Unterminated CDATA');
        text += source.slice(at + 9, end);
        at = end + 3;
      } else if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at);
        if (end < 0) fail('Unterminated comment');
        at = end + 3;
      } else if (source.startsWith('<?', at)) {
        const end = source.indexOf('?>', at);
        if (end < 0) fail('Unterminated processing instruction');
        at = end + 2;
      } else {
        children.push(element(depth + 1));
      }
    }
  };
  skipMisc();
  const root = element(1);
  skipMisc();
  if (at < source.length) fail('Content after the root element');
  return root;
}

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  if (text.replace(ENTITY, '').includes('&')) throw new XmlError(`Unknown or malformed entity in '${text.slice(0, 40)}'.`);
  return text.replace(ENTITY, (_, hex: string | undefined, decimal: string | undefined, named: string | undefined) => {
    if (named !== undefined) return NAMED[named] as string;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
    if (code > 0x10ffff) throw new XmlError(`Character reference &#${hex ?? decimal}; is out of range.`);
    return String.fromCodePoint(code);
  });
}

/** The local part of a possibly prefixed name (`i:type` → `type`). */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The first child whose local name is `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => localName(candidate.name) === name);
}

/** The value of the attribute whose local name is `name` (e.g. `type` for `i:type` or `p4:type`). */
export function attribute(element: XmlElement | undefined, name: string): string | undefined {
  if (element === undefined) return undefined;
  for (const [key, value] of Object.entries(element.attributes)) if (localName(key) === name && !key.startsWith('xmlns')) return value;
  return undefined;
}

/** Escapes text for element content or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;'));
}
