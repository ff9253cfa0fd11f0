/**
 * Turns a Databricks request path into its route template, so metrics have a few label values
 * (`/api/2.0/serving-endpoints/{name}`) rather than one per endpoint or model name.
 */
const TEMPLATES: readonly [RegExp, string][] = [
  [
    /^\/api\/2\.1\/unity-catalog\/models\/[^/]+\/versions\/[^/]+$/,
    "/api/2.1/unity-catalog/models/{name}/versions/{version}",
  ],
  [/^\/api\/2\.1\/unity-catalog\/models\/[^/]+\/versions$/, "/api/2.1/unity-catalog/models/{name}/versions"],
  [
    /^\/api\/2\.1\/unity-catalog\/models\/[^/]+\/aliases\/[^/]+$/,
    "/api/2.1/unity-catalog/models/{name}/aliases/{alias}",
  ],
  [/^\/api\/2\.1\/unity-catalog\/models\/[^/]+$/, "/api/2.1/unity-catalog/models/{name}"],
  [
    /^\/api\/2\.0\/serving-endpoints\/get-model-optimization-info\/[^/]+\/[^/]+$/,
    "/api/2.0/serving-endpoints/get-model-optimization-info/{name}/{version}",
  ],
  [/^\/api\/2\.0\/serving-endpoints(\/pt)?$/, "/api/2.0/serving-endpoints$1"],
  [/^\/api\/2\.0\/serving-endpoints\/pt\/[^/]+\/config$/, "/api/2.0/serving-endpoints/pt/{name}/config"],
  [/^\/api\/2\.0\/serving-endpoints\/[^/]+\/config$/, "/api/2.0/serving-endpoints/{name}/config"],
  [/^\/api\/2\.0\/serving-endpoints\/[^/]+\/tags$/, "/api/2.0/serving-endpoints/{name}/tags"],
  [
    /^\/api\/2\.0\/serving-endpoints\/[^/]+\/served-models\/[^/]+\/(build-logs|logs)$/,
    "/api/2.0/serving-endpoints/{name}/served-models/{entity}/$1",
  ],
  [/^\/api\/2\.0\/serving-endpoints\/[^/]+$/, "/api/2.0/serving-endpoints/{name}"],
  [/^\/serving-endpoints\/[^/]+\/invocations$/, "/serving-endpoints/{name}/invocations"],
  [/^\/oidc\/.*$/, "/oidc"],
];

export function databricksRoute(path: string): string {
  for (const [pattern, template] of TEMPLATES) {
    if (pattern.test(path)) return path.replace(pattern, template);
  }
  return "other";
}
