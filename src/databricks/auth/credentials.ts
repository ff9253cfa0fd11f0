/**
 * Supplies the `Authorization` header for calls to one workspace. The client asks before every attempt, so a
 * provider may fetch, cache and refresh tokens as it sees fit.
 */
export interface CredentialsProvider {
  /** For logs and diagnostics only. */
  readonly kind: "pat" | "oauth-m2m";
  /** The header value to send now, e.g. `Bearer dapi…`. */
  authorization(): Promise<string>;
  /**
   * Told that the workspace answered 401 to a request sent with `rejected`. Returns true when asking
   * {@link authorization} again may give a credential worth one more try (a refreshed OAuth token); false when
   * nothing would change (a PAT).
   */
  invalidate(rejected: string): boolean;
}
