import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "bin/", "coverage/", "e2e/**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/explicit-module-boundary-types": "error",
      eqeqeq: "error",
    },
  },
  // The product code keeps its shape: a function fits on a screen and reads as a few decisions.
  {
    files: ["index.ts", "components/**/*.ts", "lib/**/*.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
      complexity: ["error", 15],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@pulumi/*"], message: "lib/ is pure: Pulumi belongs in components/ and index.ts" },
          ],
        },
      ],
    },
  },
  { files: ["index.ts", "components/**/*.ts"], rules: { "no-restricted-imports": "off" } },
  // Plain JavaScript has no types to declare.
  { files: ["**/*.mjs"], rules: { "@typescript-eslint/explicit-module-boundary-types": "off" } },
);
