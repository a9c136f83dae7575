import type { PropertyMap } from "../../../engine/property-values";
import type { DiffResult } from "../../../engine/provider-api";
import { FixtureStack, WIDGET } from "./fixture-engine";
import { FixtureProvider, type FixtureBehaviour } from "./fixture-provider";

/** The top-level keys whose values differ, `__` keys left out (what a typical `diff()` compares). */
export function changedInputs(olds: PropertyMap, news: PropertyMap): string[] {
  return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter(
      (key) => !key.startsWith("__") && JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
    )
    .sort();
}

/**
 * A `diff()` as dynamic providers write them: `changes` true when any listed input changed,
 * `replaces` for the changed keys in `replaceKeys`, delete-before-replace when asked.
 */
export function diffReplacing(
  replaceKeys: readonly string[] = [],
  deleteBeforeReplace = false,
): NonNullable<FixtureBehaviour["diff"]> {
  return (_name, olds, news): DiffResult => {
    const changed = changedInputs(olds, news);
    const replaces = changed.filter((key) => replaceKeys.includes(key));
    return {
      changes: changed.length > 0 ? "some" : "none",
      replaceKeys: replaces,
      deleteBeforeReplace: deleteBeforeReplace && replaces.length > 0,
    };
  };
}

/** A stack whose widgets are served by one fixture provider with `behaviour`. */
export function widgetStack(behaviour: FixtureBehaviour = {}): {
  stack: FixtureStack;
  provider: FixtureProvider;
} {
  const provider = new FixtureProvider(behaviour);
  return { stack: new FixtureStack({ [WIDGET]: provider }), provider };
}

/** The provider's calls since `mark` (the length of its log then), compactly. */
export function callsSince(provider: FixtureProvider, mark: number): string[] {
  return provider.log.slice(mark);
}
