/**
 * Text for a terminal: lines wrapped to its width, and colour only where it helps and is wanted
 * (a terminal, no `NO_COLOR`). Node's own `util.styleText` colours; nothing here parses or guesses.
 */
import { styleText } from "util";

/** Width when standard output is not a terminal (a pipe, a file, CI logs). */
export const DEFAULT_WIDTH = 100;

/** What the CLI needs to know about where it writes. */
export interface OutputStream {
  isTTY?: boolean;
  columns?: number;
}

/** The width to wrap to: the terminal's, else {@link DEFAULT_WIDTH}. */
export const terminalWidth = (stream: OutputStream = process.stdout): number =>
  stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : DEFAULT_WIDTH;

/**
 * Whether to colour: only on a terminal, never with `NO_COLOR` set to anything but the empty
 * string (no-color.org), never on a `dumb` terminal.
 */
export const useColour = (
  stream: OutputStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean => stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";

/** A style for one kind of line; the identity when colour is off. */
export type Paint = (text: string) => string;

/**
 * Styles by meaning, so callers never name a colour. {@link useColour} has decided whether to colour,
 * so Node is told not to check the stream again.
 */
export function painter(colour: boolean): Record<"heading" | "attention" | "dim", Paint> {
  const style =
    (format: Parameters<typeof styleText>[0]): Paint =>
    (text) =>
      colour ? styleText(format, text, { validateStream: false }) : text;
  return { heading: style("bold"), attention: style(["bold", "yellow"]), dim: style("dim") };
}

/**
 * Wraps one line to `width` columns at spaces. Continuation lines start at `hang` (default: the
 * line's own indentation plus two). A word longer than the room left is cut, so no line is ever
 * wider than `width`; the text itself is never changed otherwise (joining the pieces with the
 * dropped spaces gives it back).
 */
export function wrapLine(line: string, width: number, hang?: number): string[] {
  if (line.length <= width) return [line];
  const indent = line.length - line.trimStart().length;
  // Continuation lines keep at least half the width for text.
  const cont = " ".repeat(Math.min(hang ?? indent + 2, Math.floor(width / 2)));
  const out: string[] = [];
  let current = line.slice(0, indent);
  let empty = true;
  for (const word of line.slice(indent).split(" ")) {
    let w = word;
    if (w === "" && empty && out.length > 0) continue; // no padding at the start of a continuation
    const room = () => width - current.length - (empty ? 0 : 1);
    if (!empty && w.length > room()) {
      out.push(current);
      current = cont;
      empty = true;
    }
    while (w.length > room()) {
      const r = room();
      out.push(current + (empty ? "" : " ") + w.slice(0, r));
      w = w.slice(r);
      current = cont;
      empty = true;
    }
    current += (empty ? "" : " ") + w;
    empty = false;
  }
  out.push(current);
  return out.map((l) => l.trimEnd());
}

/** Wraps every line of `text` (see {@link wrapLine}). */
export const wrapText = (text: string, width: number): string =>
  text
    .split("\n")
    .flatMap((l) => wrapLine(l, width))
    .join("\n");
