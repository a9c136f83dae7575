import type { Router } from "../router";
import { registerAppRoutes } from "./apps";

/** Registers every Machines API route the emulator serves. */
export function registerApiRoutes(router: Router): void {
  registerAppRoutes(router);
}
