/**
 * Errors raised while serving a request or executing an action. `kind` decides how an
 * action failure is worded inside a batch's `status.errors`.
 */
export type ApiErrorKind = "validation" | "notFound" | "other";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly kind: ApiErrorKind = "validation",
  ) {
    super(errors.join("; "));
  }
}

export const notFound = (what = "Not found"): ApiError => new ApiError(404, [what], "notFound");
export const badRequest = (...errors: string[]): ApiError => new ApiError(400, errors, "validation");
