import type { OperationKind, PendingOperation } from "./engine-types";

/**
 * deployment_executor.go `printPendingOperationsWarning`, word for word: what `pulumi up` (and
 * `destroy`) says when the previous run was killed with provider operations in flight. Previews
 * and refreshes say nothing.
 */
export function pendingOperationsWarning(
  kind: OperationKind,
  operations: readonly PendingOperation[],
): string | undefined {
  if (operations.length === 0 || kind === "preview" || kind === "refresh") return undefined;
  const list = operations
    .map((operation) => `  * ${operation.resource.urn}, interrupted while ${operation.type}\n`)
    .join("");
  return (
    `Attempting to deploy or update resources with ${operations.length} pending operations ` +
    "from previous deployment.\n" +
    list +
    "These resources are in an unknown state because the Pulumi CLI was interrupted while " +
    "waiting for changes to these resources to complete. You should confirm whether or not the " +
    "operations listed completed successfully by checking the state of the appropriate provider. " +
    "For example, if you are using AWS, you can confirm using the AWS Console.\n" +
    "\n" +
    "Once you have confirmed the status of the interrupted operations, you can repair your stack " +
    "using `pulumi refresh` which will refresh the state from the provider you are using and " +
    "clear the pending operations if there are any.\n" +
    "\n" +
    "Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations."
  );
}
