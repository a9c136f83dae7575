import { afterAll, beforeAll } from "vitest";
import type { OperationResult } from "../../../engine/engine-types";
import { E2eStack, type E2eStackOptions } from "./e2e-stack";

/**
 * One stack shared by a chain of scenarios, each starting from the world the previous one left.
 * Scenarios keep results later ones need (the fresh up's outputs) in `results`.
 */
export interface StackChain {
  /** The running stack; available from the chain's first test on. */
  readonly stack: E2eStack;
  readonly results: Record<string, OperationResult>;
}

/**
 * Starts a stack before the current suite's first test and stops it after its last, so a
 * suite's tests can be a chain of scenarios over one stack.
 */
export function useStack(options: E2eStackOptions): StackChain {
  let started: E2eStack | undefined;
  beforeAll(async () => {
    started = await E2eStack.start(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get stack(): E2eStack {
      if (started === undefined) throw new Error(`the ${options.stack} stack has not started`);
      return started;
    },
    results: {},
  };
}
