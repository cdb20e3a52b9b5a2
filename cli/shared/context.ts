import * as path from "path";

/** What every command needs to know about where it runs, and where its output goes. */
export interface CliContext {
  /** The project folder (holds Pulumi.yaml and the stack files). */
  projectDir: string;
  /** Standard output; tests pass their own to capture it. Default: {@link print}. */
  out?: (text: string) => void;
}

/** The context of `npx pegasus-secrets`: this project, standard output. */
export const defaultContext = (): CliContext => ({
  projectDir: path.resolve(__dirname, "..", ".."),
});

/** Standard output, one call per block of text (a newline is added when missing). */
export const print = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};

/** Where a command writes what it reports. */
export const output = (ctx: CliContext): ((text: string) => void) => ctx.out ?? print;
