import { formatIsoDuration, MAX_ISO_DURATION } from '../../src/emulator/http/admin/isoDuration';
import { attribute, child, escapeXml, MAX_XML_DEPTH, parseXml, XmlError } from '../../src/emulator/http/admin/xml';
import { parseIsoDuration } from '../../src/emulator/config/parseIsoDuration';

describe('parseXml', () => {
  it('reads what the SDK sends: declaration, namespaces, prefixed attributes, entities', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><entry xmlns="http://www.w3.org/2005/Atom"><updated>2026-01-01T00:00:00Z</updated>' +
        '<content type="application/xml"><RuleDescription xmlns:i="http://www.w3.org/2001/XMLSchema-instance">' +
        '<Filter p4:type="SqlFilter" xmlns:p4="http://www.w3.org/2001/XMLSchema-instance"><SqlExpression>a &lt; 5 AND b = &apos;x&apos; &amp; &#65;&#x42;</SqlExpression></Filter>' +
        '<Action p4:type="EmptyRuleAction" xmlns:p4="http://www.w3.org/2001/XMLSchema-instance"/><!-- note --><Name><![CDATA[r<1>]]></Name></RuleDescription></content></entry>',
    );
    const description = child(child(root, 'content'), 'RuleDescription');
    const filter = child(description, 'Filter');
    expect(attribute(filter, 'type')).toBe('SqlFilter');
    expect(child(filter, 'SqlExpression')?.text).toBe("a < 5 AND b = 'x' & AB");
    expect(attribute(child(description, 'Action'), 'type')).toBe('EmptyRuleAction');
    expect(child(description, 'Name')?.text).toBe('r<1>');
  });

  it.each([
    ['<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', /DOCTYPE is not accepted/],
    ['<a><b></a>', /<\/a> does not close <b>/],
    ['<a>', /Unclosed <a>/],
    ['<a x=1/>', /Malformed attribute/],
    ['<a>&bogus;</a>', /Unknown or malformed entity/],
    ['<a/><b/>', /Content after the root element/],
    ['', /Expected '<'/],
    [`${'<a>'.repeat(MAX_XML_DEPTH + 1)}`, /nested deeper than/],
  ])('refuses %j', (source, message) => {
    expect(() => parseXml(source)).toThrow(XmlError);
    expect(() => parseXml(source)).toThrow(message);
  });

  it('escapes text both ways', () => {
    const text = `<a href="x">'Tom' & "Jerry"</a>`;
    expect(parseXml(`<t>${escapeXml(text)}</t>`).text).toBe(text);
  });
});

describe('formatIsoDuration', () => {
  it.each([
    [60_000, 'PT1M'],
    [500, 'PT0.5S'],
    [30_000, 'PT30S'],
    [3_600_000, 'PT1H'],
    [86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_500, 'P1DT2H3M4.5S'],
    [14 * 86_400_000, 'P14D'],
    [0, 'PT0S'],
    [Number.POSITIVE_INFINITY, MAX_ISO_DURATION],
  ])('%d ms → %s, and back', (ms, text) => {
    expect(formatIsoDuration(ms)).toBe(text);
    if (Number.isFinite(ms)) expect(parseIsoDuration(text)).toBe(ms);
  });
});
