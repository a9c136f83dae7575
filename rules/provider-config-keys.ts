/**
 * The stack config keys the providers read in `configure()` or name in their messages, and the
 * environment variables they fall back to. Keys are given without a namespace: Pulumi prefixes
 * the project's name, so they work in any project that uses these providers.
 */

/** The Machines API endpoint. */
export const FLY_API_URL_KEY = "flyApiUrl";

/** The Fly API token (secret). */
export const FLY_API_TOKEN_KEY = "flyApiToken";

/** Overrides of the providers' timing, as a JSON object. */
export const PROVIDER_TUNING_KEY = "providerTuning";

/** Environment variable read when the token key is unset (flyctl's own name). */
export const FLY_API_TOKEN_ENV = "FLY_API_TOKEN";

/** Environment variable read when the endpoint key is unset. */
export const FLY_API_URL_ENV = "FLY_API_URL";

/**
 * The stack (`<project>/<stack>`) whose Fly resources a stack may take over. The program reads
 * it; the providers name it when they refuse a resource another stack marked.
 */
export const TAKE_OVER_KEY = "takeOverFrom";
