import { message as rheaMessage, types as rheaTypes } from 'rhea';
import type { Reader, Typed, Writer } from 'rhea/typings/types';

/**
 * rhea's encoder/decoder, with the members its typings leave out (Reader, Writer, the typed-value
 * constructors and the outcome constructors). One cast, here, instead of one per call site.
 */
interface Codec {
  readonly Reader: new (buffer: Buffer) => Reader;
  readonly Writer: new (buffer?: Buffer) => Writer;
  readonly List32: (items: readonly (Typed | null)[]) => Typed;
  readonly Map32: (items: readonly Typed[]) => Typed;
  readonly Ubyte: (value: number) => Typed;
  readonly Null: () => Typed;
  readonly is_map: (value: Typed) => boolean;
  readonly is_list: (value: Typed) => boolean;
}

interface Outcomes {
  accepted(): { described(): unknown };
  released(): { described(): unknown };
  rejected(fields?: { error?: { condition: string; description?: string } }): { described(): unknown };
  modified(fields?: { delivery_failed?: boolean; undeliverable_here?: boolean; message_annotations?: Record<string, unknown> }): {
    described(): unknown;
  };
}

export const types = rheaTypes as typeof rheaTypes & Codec;
export const message = rheaMessage as typeof rheaMessage & Outcomes;
export type { Reader, Typed, Writer };
