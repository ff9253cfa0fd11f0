/**
 * Which served entity a scale or rollback changes (and a delete describes) on an endpoint with several, as an
 * adopted one may have: the others are carried over by the update. One entity: that one. Several: the one taking
 * the most traffic, when exactly one does (the others are staged or shadow versions at a smaller share); otherwise
 * which one the command means cannot be told, and it is refused.
 */
import type { ExistingEndpoint, ExistingServedEntity } from "./create-or-update.js";

export type ChangedEntity =
  | { readonly kind: "entity"; readonly entity: ExistingServedEntity }
  | { readonly kind: "none" }
  | { readonly kind: "ambiguous"; readonly count: number };

export function changedEntity(existing: ExistingEndpoint): ChangedEntity {
  const entities = existing.servedEntities;
  const [only, ...more] = entities;
  if (only === undefined) return { kind: "none" };
  if (more.length === 0) return { kind: "entity", entity: only };
  const share = (e: ExistingServedEntity) => e.trafficPercentage ?? 0;
  const top = Math.max(...entities.map(share));
  const leaders = entities.filter((e) => share(e) === top);
  const [leader, ...tied] = leaders;
  if (leader === undefined || tied.length > 0 || top === 0)
    return { kind: "ambiguous", count: entities.length };
  return { kind: "entity", entity: leader };
}

/** `existing` narrowed to the entity a change changes: what the update decision and the card look at. */
export function narrowedTo(existing: ExistingEndpoint, entity: ExistingServedEntity): ExistingEndpoint {
  return { ...existing, servedEntities: [entity] };
}
