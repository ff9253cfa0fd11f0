import type { DeployRequest } from "./request.js";

/**
 * Whether `newer` may take over the endpoint name `older` holds. Only a request that never got its card qualifies:
 * the process that was posting it died (or Slack never took it), so nobody can approve, adjust or cancel it, and
 * without this rule it would block its endpoint name until it expires. Only its own requester may take it over, and
 * only with a later request, so two commands racing each other cannot both give way.
 */
export function supersedes(newer: DeployRequest, older: DeployRequest): boolean {
  return (
    older.id !== newer.id &&
    older.message === undefined &&
    (older.state === "resolving" || older.state === "awaiting_approval") &&
    older.requester.id === newer.requester.id &&
    (older.createdAt < newer.createdAt || (older.createdAt === newer.createdAt && older.id < newer.id))
  );
}
