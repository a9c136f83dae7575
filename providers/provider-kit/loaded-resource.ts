/**
 * The base of every dynamic resource here. It registers a resource the way
 * `pulumi.dynamic.Resource` does (type `pulumi-nodejs:dynamic/<module>:<type>`, served by
 * Pulumi's dynamic-provider host), except that `__provider` is a stub naming the provider
 * instead of the provider's serialized code (see `provider-stub.ts`). Nothing is serialized: the
 * program never walks the provider's code, and the host loads the code installed beside the
 * program for every operation.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { stubText } from "./provider-stub";

/**
 * The loader the stubs require, beside this file. Its path is written into every state: it must
 * never move (a file left at the old path that requires the new one would do).
 */
const LOADER_FILE = "provider-loader.cjs";

/**
 * The loader's path relative to `cwd`, with forward slashes. The program and the provider host
 * share their working directory (the project directory, or Pulumi.yaml's `main` directory), so
 * the state holds no absolute path and works from any checkout of the project.
 */
export function loaderEntry(cwd: string = process.cwd()): string {
  return path.relative(cwd, path.join(__dirname, LOADER_FILE)).split(path.sep).join("/");
}

/** A dynamic resource whose provider the host loads by name from the installed project. */
export abstract class LoadedResource extends pulumi.CustomResource {
  /**
   * @param module the type's module (`fly`); with `type` it names the provider (`fly:FlyMachine`)
   * @param type the resource type (`FlyMachine`)
   */
  protected constructor(
    module: string,
    type: string,
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const provider = stubText(`${module}:${type}`, loaderEntry());
    super(
      `pulumi-nodejs:dynamic/${module}:${type}`,
      name,
      { ...props, __provider: provider },
      opts,
    );
  }
}
