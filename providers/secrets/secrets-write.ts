/**
 * The one bulk write that brings an app's secrets to what the stack declares: the values the
 * program changed, the ones changed or removed on Fly behind its back, the names it no longer
 * declares, and the app's marker secret (named for the stack; see `ownership.ts`).
 */
import type { AppSecret } from "../fly-client/fly-client";
import {
  appMarkerName,
  appMarkerStacks,
  foreignRefusal,
  judgeOwnership,
  stackOfAppMarker,
  type Ownership,
} from "../provider-kit/ownership";
import { changedNames, movedNames, removedNames, type RecordedDigests } from "./secrets-state";

/** What a FlySecrets write is planned from. */
export interface SecretsWriteInput {
  readonly app: string;
  /** The declared values. */
  readonly values: Record<string, string>;
  readonly ownership: Ownership;
  /** The app's secrets as Fly lists them now. */
  readonly live: readonly AppSecret[];
  /** What the stack recorded at its last write; absent for a create. */
  readonly recorded?: RecordedDigests & { fingerprints?: Record<string, string> };
}

/** The planned write. */
export interface SecretsWrite {
  /** Names whose value is set: changed in the program, or moved on Fly. */
  readonly set: string[];
  /** Of those, the ones the program did not change that Fly no longer held as the stack wrote them. */
  readonly moved: string[];
  /** Names the stack no longer declares. */
  readonly unset: string[];
  /** The marker secret's name. */
  readonly marker: string;
  /** Marker secrets to remove: this stack's under an older name, or the stack taken over. */
  readonly staleMarkers: string[];
  /** Whether the marker must be written. */
  readonly writesMarker: boolean;
  /** The bulk body: values to set, `null` to unset. */
  readonly body: Record<string, string | null>;
}

/**
 * Plans the write.
 *
 * @throws Error when another stack's marker is on the app (a take-over by another stack)
 */
export function planSecretsWrite(input: SecretsWriteInput): SecretsWrite {
  const { ownership, live, values, recorded } = input;
  const liveNames = live.map((secret) => secret.name);
  const verdict = judgeOwnership(ownership, appMarkerStacks(liveNames));
  if (verdict.kind === "foreign") {
    throw new Error(
      foreignRefusal(
        `the app ${input.app}`,
        verdict.owner,
        ownership,
        `its secret ${appMarkerName(verdict.owner)} names it`,
      ),
    );
  }
  const marker = appMarkerName(ownership.stack);
  const staleMarkers = liveNames.filter(
    (name) => stackOfAppMarker(name) !== undefined && name !== marker,
  );
  const writesMarker = !liveNames.includes(marker);
  const changed = recorded ? changedNames(recorded, values) : Object.keys(values);
  // A name the program changed is the program's change even when Fly's copy moved too: a run
  // killed after Fly took the new value moves it as well, and is no change made behind the back.
  const moved = recorded?.fingerprints
    ? movedNames(recorded.fingerprints, live).filter(
        (name) => name in values && !changed.includes(name),
      )
    : [];
  const set = [...new Set([...changed, ...moved])].sort();
  const unset = recorded ? removedNames(recorded, values) : [];
  const body: Record<string, string | null> = {};
  for (const name of set) body[name] = values[name];
  for (const name of [...unset, ...staleMarkers]) body[name] = null;
  if (writesMarker) body[marker] = ownership.stack;
  return { set, moved, unset, marker, staleMarkers, writesMarker, body };
}
