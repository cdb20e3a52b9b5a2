import * as path from "path";

/** What every command needs to know about where it runs. */
export interface CliContext {
  /** The project folder (holds Pulumi.yaml and the stack files). */
  projectDir: string;
}

export const defaultContext = (): CliContext => ({ projectDir: path.resolve(__dirname, "..") });

/** Standard output, in one place so tests can capture it. */
export const print = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};
