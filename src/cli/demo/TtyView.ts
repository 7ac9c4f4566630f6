import type { DemoModel } from './DemoModel';
import { formatFrame } from './formatFrame';
import { terminalWidth } from './terminalWidth';

/**
 * Live view for a terminal: redraws the whole frame in place with ANSI cursor movement (no dependency).
 * The cursor is hidden while drawing and shown again by `end()`. A terminal reporting no width (or 0
 * columns) is drawn 80 columns wide.
 */
export class TtyView {
  private drawnLines = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { readonly columns: () => number | undefined; readonly title: string },
  ) {}

  /** Draws `model` at time `now`, with the latest incident and routine event lines underneath. */
  draw(model: DemoModel, now: number, log: { readonly incidents: readonly string[]; readonly recent: readonly string[] }): void {
    const lines = formatFrame(model, now, { columns: terminalWidth(this.options.columns()), color: true, title: this.options.title, ...log });
    // CPL (ESC[nF) returns to the first line of the previous frame; each line is cleared (ESC[2K) before
    // it is written, and ESC[J clears whatever the previous, longer frame left below.
    let out = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '\x1b[?25l';
    for (const line of lines) out += `\x1b[2K${line}\n`;
    this.write(`${out}\x1b[J`);
    this.drawnLines = lines.length;
  }

  /** Leaves the last frame on screen and shows the cursor again. */
  end(): void {
    this.write('\x1b[?25h');
  }
}
