import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "bin/", ".pulumi-offline/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    // Tests assert on parsed JSON bodies of many shapes; typing each one would add noise, not safety.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    rules: {
      eqeqeq: ["error", "smart"],
      "prefer-const": "error",
      "no-var": "error",
      // Providers must `require()` runtime libraries inside functions so Pulumi's closure
      // serializer emits a require call instead of walking the library by value.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
);
