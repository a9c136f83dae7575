/**
 * The shape of a table of arguments: each row declares, once, how a stack config value is read,
 * whether it is secret, the rule it must meet, its default and its documentation. The argument
 * types, the stack-config reader, the defaults and the README's configuration table are all
 * derived from such rows (see `gateway-arguments.ts`).
 */
import type { z } from "zod";
import { zodIssueLines } from "./validation";

/**
 * How a stack config value's text is read. Pulumi hands every config value to the program as
 * text: numbers and booleans as their text, lists and maps as JSON.
 */
export type ConfigValueKind = "text" | "number" | "flag" | "json";

/** The outcome of one rule: the value as the rule reads it, or every problem as a full line. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** A rule for one value, which callers pass as `In` and the rule hands on as `Out`. */
export interface Rule<In, Out> {
  /** Checks `raw`, given under `key`; problem lines start with `key` (`regions[1]: ...`). */
  check(raw: unknown, key: string): Checked<Out>;
  /** Type-level only: what callers may pass. */
  readonly accepts?: In;
}

/** A rule stated as a zod schema; its problems name the key and the path inside the value. */
export function schemaRule<S extends z.ZodType>(schema: S): Rule<z.input<S>, z.output<S>> {
  return {
    check(raw, key) {
      const parsed = schema.safeParse(raw);
      if (parsed.success) return { ok: true, value: parsed.data };
      return { ok: false, problems: zodIssueLines(key, parsed.error.issues, "unknown key", key) };
    },
  };
}

/** What the stack-config reader and the README's configuration table know of a key. */
export interface ConfigKeySpec {
  readonly kind: ConfigValueKind;
  /** Set with `pulumi config set --secret`; the value is a secret wherever it goes. */
  readonly secret: boolean;
  /** The README's "type" column. */
  readonly type: string;
  /** The README's "default" column. */
  readonly defaultText: string;
  /** The README's "what it sets" column. */
  readonly doc: string;
  /** The key's own rule; problem lines start with the key. */
  check(raw: unknown, key: string): Checked<unknown>;
}

/** The arguments as their rules read them, before defaults; absent keys are left out. */
export type CheckedArguments = Readonly<Record<string, unknown>>;

/** One argument of a component: a config key of the same name, plus its default. */
export interface ArgumentSpec<In, Out, Settled, Required extends boolean> extends ConfigKeySpec {
  readonly required: Required;
  check(raw: unknown, key: string): Checked<Out>;
  /** The value in effect: the checked one, or the default (which may depend on `others`). */
  settle(value: Out | undefined, others: CheckedArguments): Settled;
  /** Type-level only: what callers may pass. */
  readonly accepts?: In;
}

// Any row, for constraints; the variance of the methods needs the widest parameter types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyArgument = ArgumentSpec<any, any, any, boolean>;

/** The row descriptions the constructors below take. */
interface RowText {
  readonly kind: ConfigValueKind;
  readonly secret?: boolean;
  readonly type: string;
  readonly doc: string;
}

/** An argument without which nothing can be deployed. */
export function requiredArgument<In, Out>(
  row: RowText & { rule: Rule<In, Out> },
): ArgumentSpec<In, Out, Out, true> {
  return {
    ...rowOf(row, "required"),
    required: true,
    check: (raw, key) => row.rule.check(raw, key),
    // Never called without a value: a missing required argument is a problem of its own.
    settle: (value) => value as Out,
  };
}

/** An argument with a fixed default, which the README shows as written. */
export function defaultedArgument<In, Out>(
  row: RowText & { rule: Rule<In, Out>; default: NoInfer<Out> },
): ArgumentSpec<In, Out, Out, false> {
  return {
    ...rowOf(row, `\`${describeValue(row.default)}\``),
    required: false,
    check: (raw, key) => row.rule.check(raw, key),
    settle: (value) => value ?? row.default,
  };
}

/** An argument whose default depends on other arguments, or that has none. */
export function settledArgument<In, Out, Settled>(
  row: RowText & {
    rule: Rule<In, Out>;
    defaultText: string;
    settle: (value: Out | undefined, others: CheckedArguments) => Settled;
  },
): ArgumentSpec<In, Out, Settled, false> {
  return {
    ...rowOf(row, row.defaultText),
    required: false,
    check: (raw, key) => row.rule.check(raw, key),
    settle: row.settle,
  };
}

function rowOf(row: RowText, defaultText: string) {
  return {
    kind: row.kind,
    secret: row.secret ?? false,
    type: row.type,
    defaultText,
    doc: row.doc,
  };
}

/** A default as the README writes it: text as it is, anything else as JSON. */
export function describeValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type AcceptedBy<A> = A extends ArgumentSpec<infer In, unknown, unknown, boolean> ? In : never;

/** What a caller passes: required rows are required, the others optional. */
export type ArgumentsOf<T extends Record<string, AnyArgument>> = Simplify<
  { [K in keyof T as T[K]["required"] extends true ? K : never]: AcceptedBy<T[K]> } & {
    [K in keyof T as T[K]["required"] extends true ? never : K]?: AcceptedBy<T[K]>;
  }
>;

type SettledBy<A extends AnyArgument> = ReturnType<A["settle"]>;

/** Every argument with its default applied; one without a default may be absent. */
export type SettledArgumentsOf<T extends Record<string, AnyArgument>> = Simplify<
  { [K in keyof T as undefined extends SettledBy<T[K]> ? never : K]: SettledBy<T[K]> } & {
    [K in keyof T as undefined extends SettledBy<T[K]> ? K : never]?: Exclude<
      SettledBy<T[K]>,
      undefined
    >;
  }
>;
