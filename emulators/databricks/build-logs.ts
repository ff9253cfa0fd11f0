import type { Deployment } from "./endpoint-store.js";
import { FAILURE_PRESETS } from "./failure-kinds.js";
import { type DeploymentPhase, deploymentEnd, phaseOf } from "./life-cycle.js";
import type { ServedEntity } from "./served-entities.js";

/** What a failed deployment says when the scenario gave no message: the common real cause. */
export const DEFAULT_FAILURE_MESSAGE =
  "Served entity deployment failed: not enough GPU capacity was available in this region for the requested " +
  "provisioned throughput. Try again later or request less throughput.";

export function failureMessage(d: Deployment): string {
  const kind = d.failure?.kind;
  return d.failure?.message ?? (kind === undefined ? DEFAULT_FAILURE_MESSAGE : FAILURE_PRESETS[kind].message);
}

/**
 * The build log of one served entity in one deployment, as of `now`. While in progress it grows with elapsed
 * time (so a poller sees progress); a failed build ends with the failure, or is the scenario's own text.
 */
export function buildLogs(d: Deployment, entity: ServedEntity, now: number): string {
  const phase = phaseOf(d, now);
  if (phase === "FAILED" && d.failure?.buildLogs !== undefined) return d.failure.buildLogs;
  const steps = [
    `Starting build for served entity '${entity.name}' (${entity.entityName} version ${entity.entityVersion})`,
    `Resolving model artifacts for ${entity.entityName}/${entity.entityVersion}`,
    `Optimizing model of type '${entity.modelType}' for provisioned throughput`,
    "Building serving container image",
    "Pushing serving container image",
    `Allocating GPU capacity: ${capacityText(entity)}`,
  ];
  const shown =
    phase === "IN_PROGRESS"
      ? Math.max(1, Math.ceil((steps.length * (now - d.startTime + 1)) / (d.durationMs + 1)))
      : steps.length;
  const lines = steps
    .slice(0, shown)
    .map((s, i) => line(d.startTime + Math.floor((i * d.durationMs) / steps.length), "INFO", s));
  const end = deploymentEnd(d);
  if (phase === "SUCCEEDED") lines.push(line(end, "INFO", "Build succeeded; served entity is ready"));
  if (phase === "FAILED") {
    const kind = d.failure?.kind;
    for (const text of kind === undefined ? [] : FAILURE_PRESETS[kind].logLines)
      lines.push(line(end, "ERROR", text));
    lines.push(line(end, "ERROR", failureMessage(d)));
    lines.push(line(end, "ERROR", "Build failed"));
  }
  return `${lines.join("\n")}\n`;
}

/** The model server's log: empty until the entity is up, as a real server that has not started logs nothing. */
export function serverLogs(d: Deployment, entity: ServedEntity, now: number): string {
  const phase: DeploymentPhase = phaseOf(d, now);
  const end = deploymentEnd(d);
  if (phase === "IN_PROGRESS") return "";
  if (phase === "FAILED")
    return `${line(end, "ERROR", `Model server failed to start: ${failureMessage(d)}`)}\n`;
  return `${[
    line(end, "INFO", `Loading ${entity.entityName} version ${entity.entityVersion}`),
    line(end, "INFO", "Model server started; listening on port 8080"),
  ].join("\n")}\n`;
}

function capacityText(entity: ServedEntity): string {
  const c = entity.capacity;
  return c.kind === "throughput"
    ? `${c.min}-${c.max} tokens/second (chunk ${c.chunk}, scale to zero ${c.scaleToZero ? "on" : "off"})`
    : `${c.units} model units`;
}

function line(time: number, level: string, text: string): string {
  return `${new Date(time).toISOString()} ${level} ${text}`;
}
