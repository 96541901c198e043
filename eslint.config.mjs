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
  // Plain JavaScript has no types to declare.
  { files: ["**/*.mjs"], rules: { "@typescript-eslint/explicit-module-boundary-types": "off" } },
);
