/**
 * An error the emulator answers with. Fly's error body is always `{"error": "...", "status"?: "..."}`
 * where `status` is a machine-readable code such as `name_taken` or `insufficient_capacity`.
 */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
    readonly code?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The JSON body Fly sends for this error. */
  body(): { error: string; status?: string } {
    return this.code === undefined
      ? { error: this.message }
      : { error: this.message, status: this.code };
  }
}

/** 400 with a message. */
export const badRequest = (message: string, code?: string) => new ApiError(400, message, code);
/** 404 with Fly's `<thing> not found` wording. */
export const notFound = (thing: string) => new ApiError(404, `${thing} not found`);
/** 409, used for lease conflicts. */
export const conflict = (message: string) => new ApiError(409, message);
/** 412, used for state preconditions (start from a wrong state, bound volume delete). */
export const preconditionFailed = (message: string) => new ApiError(412, message);
/** 422 validation failure. */
export const unprocessable = (message: string, code?: string) => new ApiError(422, message, code);
