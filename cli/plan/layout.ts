/**
 * The plan text's building blocks: lines that know what they are (a heading, something to act on),
 * tables whose last column wraps under itself, and one render to a width, in colour or not.
 */
import { painter, wrapLine } from "../shared/terminal";

/** One line of the plan text. `hang`: where its continuation lines start when it wraps. */
export interface Line {
  text: string;
  kind?: "heading" | "attention" | "dim";
  hang?: number;
}

export const line = (text: string, kind?: Line["kind"]): Line => ({ text, kind });
export const heading = (text: string): Line => ({ text, kind: "heading" });
export const blank: Line = { text: "" };

/**
 * A table indented by two, columns padded to their widest cell. A row that does not fit wraps its
 * last column under that column's start.
 */
export function table(rows: string[][], header?: string[]): Line[] {
  const all = header ? [header, ...rows] : rows;
  if (rows.length === 0) return [line("  (none)")];
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const lastStart = 2 + widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
  return all.map((r, i) => ({
    text: (
      "  " +
      r
        .map((c, j) => c.padEnd(widths[j]))
        .join("  ")
        .trimEnd()
    ).trimEnd(),
    kind: header && i === 0 ? "dim" : undefined,
    hang: lastStart,
  }));
}

/** Renders lines: wrapped to `width` (none when unbounded), each painted by its kind when `colour`. */
export function render(lines: Line[], opts: { width?: number; colour?: boolean } = {}): string {
  const width = opts.width ?? Infinity;
  const paint = painter(opts.colour === true);
  return lines
    .flatMap((l) => {
      const pieces = Number.isFinite(width) ? wrapLine(l.text, width, l.hang) : [l.text];
      return pieces.map((t) => (l.kind ? paint[l.kind](t) : t));
    })
    .join("\n");
}
