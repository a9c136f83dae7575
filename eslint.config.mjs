import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "bin/", ".pulumi-offline/", "coverage/", ".openclaw-runtime/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    // CommonJS: the provider loader (Pulumi's provider host has no TypeScript loader) and the CI
    // summary script.
    files: ["**/*.cjs", ".ci/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Fixture programs: the engine fixture's provider is copied into its state by Pulumi's
    // serializer, which wants libraries required inside functions; the fly-stack fixture loads
    // the resource modules only after choosing how they register.
    files: ["test/**/fixtures/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The provider registry requires each provider's module when a stub first names it, so a
    // provider host loads only the providers it serves.
    files: ["providers/provider-kit/provider-registry.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
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
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
);
