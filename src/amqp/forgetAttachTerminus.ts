import type { link } from 'rhea';

/** The part of a rhea link this module touches: the attach frame rhea built from the link options. */
interface LinkWithLocalAttach {
  local?: { attach?: { source?: unknown; target?: unknown; properties?: unknown } };
}

/**
 * Lets rhea's copy of an answered attach frame drop its source, target and properties (~1.5 KB of
 * encoded-value objects per link, for thousands of session receivers). rhea keeps the frame only to
 * send it, and to send it again on reconnect — which this client never does (a dropped connection fails
 * its links); afterwards it reads only the frame's role and settle modes, which are kept. The link's
 * own view of its terminus (`link.source`, `link.properties`) comes from the peer's attach and is
 * unaffected. Instance-level: other links are untouched.
 */
export function forgetAttachTerminus(receiver: link): void {
  const attach = (receiver as unknown as LinkWithLocalAttach).local?.attach;
  if (attach === undefined) return;
  attach.source = null;
  attach.target = null;
  attach.properties = null;
}
