// ESLint for pegasus-secrets: typescript-eslint, Pulumi's own rules, and the layer rule that keeps
// the folders the architecture (docs/design.md, "Layout"). Prettier owns formatting; `npm run lint`
// runs both.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const pulumi = require("@pulumi/eslint-plugin");
const prettier = require("eslint-config-prettier");
const comments = require("@eslint-community/eslint-plugin-eslint-comments");

/**
 * What each layer may import, bottom to top. A layer lists the project folders it must not reach;
 * `@pulumi/*` stays out of the pure layers, so the domain runs and tests without the SDK.
 *   lib/      leaf code shared by providers, the CLI and the program (HTTP core, readiness polling)
 *   catalog/  the guide's matrix as data
 *   model/    pure: catalog + config -> validated model
 *   components/ -> stacks/ -> index.ts   the Pulumi program
 *   policy/, cli/   on top of the model (the CLI may run the policy's rules)
 */
const LAYERS = [
  {
    files: ["lib/**/*.ts"],
    forbidden: ["catalog", "model", "components", "stacks", "cli", "policy"],
    pulumi: false,
  },
  {
    files: ["catalog/**/*.ts"],
    forbidden: ["lib", "model", "components", "stacks", "cli", "policy"],
    pulumi: false,
  },
  {
    files: ["model/**/*.ts"],
    forbidden: ["lib", "components", "stacks", "cli", "policy"],
    pulumi: false,
  },
  { files: ["components/**/*.ts"], forbidden: ["stacks", "cli", "policy"], pulumi: true },
  { files: ["stacks/**/*.ts"], forbidden: ["cli", "policy"], pulumi: true },
  { files: ["policy/**/*.ts"], forbidden: ["components", "stacks", "cli"], pulumi: true },
  { files: ["cli/**/*.ts"], forbidden: ["components", "stacks"], pulumi: true },
];

const layerRule = ({ forbidden, pulumi: allowPulumi }) => {
  const patterns = [
    {
      // Any number of `../` then a top-level layer folder, or the bare `index` entry point.
      regex: `^(\\.\\./)+(${forbidden.join("|")}|index)(/.*)?$`,
      message:
        "This import runs up (or sideways) through the layers: catalog -> model -> components -> stacks, with cli/ and policy/ on the model (docs/design.md). Move the piece down, or the import up.",
    },
  ];
  if (!allowPulumi) {
    patterns.push({
      group: ["@pulumi/*"],
      message:
        "This layer is pure: no Pulumi SDK here (docs/design.md). Move the code to components/ or stacks/.",
    });
  }
  return { "no-restricted-imports": ["error", { patterns }] };
};

module.exports = tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "**/node_modules/**",
      "build/**",
      "dist/**",
      "coverage/**",
      "specs/**",
      "packages/test-engine/test/fixtures/**",
      "test/components/delivery/fixtures/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    plugins: { "eslint-comments": comments },
    rules: {
      // Every `eslint-disable` says why on the same line (`-- reason`), and none outlives its cause.
      "eslint-comments/require-description": ["error", { ignore: [] }],
      "eslint-comments/no-unlimited-disable": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    files: ["**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  // Outputs in template literals: Pulumi's own rules, with type information, where Outputs live.
  {
    files: ["components/**/*.ts", "stacks/**/*.ts", "index.ts"],
    plugins: { pulumi },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      "pulumi/no-output-in-template-literal": "error",
      "pulumi/no-output-instance-in-template-literal": "error",
    },
  },
  ...LAYERS.map(({ files, forbidden, pulumi: p }) => ({
    files,
    rules: layerRule({ forbidden, pulumi: p }),
  })),
  {
    // Tests may use `any` for wire payloads and mock arguments, and require() modules by path.
    files: ["test/**/*.ts", "packages/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  prettier,
);
