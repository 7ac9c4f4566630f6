/** Width used when the terminal reports none, or 0 columns (some CI pseudo-terminals and `script` sessions do). */
export const fallbackTerminalWidth = 80;

/** The width to draw at: the reported column count when it is a positive integer, else `fallbackTerminalWidth`. */
export function terminalWidth(reported: number | undefined): number {
  return reported !== undefined && Number.isInteger(reported) && reported > 0 ? reported : fallbackTerminalWidth;
}
