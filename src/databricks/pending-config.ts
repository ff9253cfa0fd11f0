/**
 * What an endpoint's `pending_config` means, which depends on its state: while `config_update` is IN_PROGRESS it is
 * the config being deployed; after a failed update (UPDATE_FAILED, UPDATE_CANCELED) Databricks keeps the config that
 * failed there, beside the old config that still serves, with its served entities at DEPLOYMENT_FAILED and the
 * reason in `state.deployment_state_message` (and the build logs under the failed entity's name). Readers that want
 * "what is the endpoint heading for" must not take a failed config for one in progress.
 */
import type { EndpointConfig, ServingEndpoint } from "./schemas.js";

function updateEnded(endpoint: ServingEndpoint): boolean {
  const update = endpoint.state.config_update;
  return update === "UPDATE_FAILED" || update === "UPDATE_CANCELED";
}

/** The config being deployed: `pending_config`, unless it is what a failed update left there. */
export function deployingConfig(endpoint: ServingEndpoint): EndpointConfig | undefined {
  return updateEnded(endpoint) ? undefined : endpoint.pending_config;
}

/** The config a failed update left in `pending_config`, whose entities say why it failed. */
export function failedConfig(endpoint: ServingEndpoint): EndpointConfig | undefined {
  return updateEnded(endpoint) ? endpoint.pending_config : undefined;
}
