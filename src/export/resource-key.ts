/**
 * The key an exported endpoint gets in a bundle's `resources.model_serving_endpoints` and as a Terraform resource
 * label: the endpoint's name with dashes as underscores (both accept dashes, but underscores are what people write
 * and what references like `databricks_model_serving.llama_13b_3.id` read best with), never starting with a digit.
 */
export function resourceKey(endpointName: string): string {
  const key = endpointName.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(key) ? key : `endpoint_${key}`;
}
