import { ModelVersionNotReadyError, NoReadyModelVersionError } from "./errors.js";
import type { ModelVersion } from "./schemas.js";
import type { DatabricksTransport } from "./transport.js";
import { getModelVersion, getModelVersionByAlias, listModelVersions } from "./unity-catalog.js";

/** Which version to serve: a number, `"latest"` (the highest READY one) or `"@alias"`. */
export type ModelVersionSpec = number | "latest" | `@${string}`;

/**
 * Turns a version spec into a servable (READY) version. A number or an alias that names a version in any other
 * status raises {@link ModelVersionNotReadyError} with that status; `"latest"` skips versions that are not READY
 * and raises {@link NoReadyModelVersionError} when none is. A model, version or alias that does not exist raises the
 * API's `databricks_not_found`.
 */
export async function resolveModelVersion(
  api: DatabricksTransport,
  fullName: string,
  spec: ModelVersionSpec,
): Promise<ModelVersion> {
  if (spec === "latest") {
    const versions = await listModelVersions(api, fullName);
    let best: ModelVersion | undefined;
    for (const v of versions)
      if (v.status === "READY" && (best === undefined || v.version > best.version)) best = v;
    if (best === undefined) throw new NoReadyModelVersionError(fullName, versions.length);
    return best;
  }
  const version =
    typeof spec === "number"
      ? await getModelVersion(api, fullName, spec)
      : await getModelVersionByAlias(api, fullName, spec.slice(1));
  if (version.status !== "READY")
    throw new ModelVersionNotReadyError(fullName, version.version, version.status);
  return version;
}
