import { EmulatorConfigError } from '../../config/EmulatorConfigError';
import { parseIsoDuration } from '../../config/parseIsoDuration';
import { AdminError } from './AdminError';
import { MAX_ISO_DURATION } from './isoDuration';
import { child, type XmlElement } from './xml';

/**
 * Typed reads of an entity description's fields (`<LockDuration>PT1M</LockDuration>`, …). An absent or
 * empty field reads as `undefined`; a malformed one is a 400 naming the field and the value.
 */
export class DescriptionFields {
  constructor(private readonly description: XmlElement) {}

  /** The field's text, trimmed. */
  text(field: string): string | undefined {
    const element = child(this.description, field);
    const value = element?.text.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** @throws AdminError 400 unless `true` or `false`. */
  bool(field: string): boolean | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw new AdminError(400, `${field} must be 'true' or 'false'; got '${value}'.`);
    return value === 'true';
  }

  /** An ISO 8601 duration in ms; .NET's `TimeSpan.MaxValue` reads as `Infinity`. @throws AdminError 400 */
  duration(field: string): number | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    if (value === MAX_ISO_DURATION) return Number.POSITIVE_INFINITY;
    try {
      return parseIsoDuration(value, field);
    } catch (error: unknown) {
      if (error instanceof EmulatorConfigError) throw new AdminError(400, `${field} '${value}' is not an ISO 8601 duration.`, { cause: error });
      throw error;
    }
  }

  /** An integer of at least 1. @throws AdminError 400 */
  positiveInteger(field: string): number | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) throw new AdminError(400, `${field} must be an integer of at least 1; got '${value}'.`);
    return number;
  }

  /**
   * The given inert fields (stored and echoed, acting on nothing) with their values or defaults; each is
   * checked for its type (`bool` / `duration`) so a malformed one is still a 400.
   */
  inert(defaults: Readonly<Record<string, string>>, kinds: Readonly<Record<string, 'bool' | 'duration'>> = {}): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [field, fallback] of Object.entries(defaults)) {
      const kind = kinds[field];
      if (kind === 'bool') this.bool(field);
      else if (kind === 'duration') this.duration(field);
      values[field] = this.text(field) ?? fallback;
    }
    return values;
  }
}
