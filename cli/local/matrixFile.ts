/**
 * Where the generated ownership matrix lives, relative to the project folder: a module of its own, so
 * the `docs` command can name it in its help without loading the catalog.
 */
export const MATRIX_FILE = "docs/ownership-matrix.md";
