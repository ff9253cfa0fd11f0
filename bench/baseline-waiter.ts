/**
 * The baseline for tracking cost: what a script built on an official SDK does to wait for N endpoints, one waiter
 * per endpoint, each reading its endpoint with a GET every interval until `config_update` is no longer IN_PROGRESS
 * (the SDKs' `wait_get_serving_endpoint_not_updating`). The SDKs poll at most every 10 s; here the waiter polls at
 * ptbot's own interval, which flatters the baseline when that interval is longer.
 */
import type { DatabricksClient } from "../src/databricks/index.js";

export class PerEndpointWaiter {
  readonly #client: Pick<DatabricksClient, "getServingEndpoint">;
  readonly #pending: Set<string>;
  /** Endpoint name → the waiter's clock when it saw it done. */
  readonly done = new Map<string, number>();

  constructor(client: Pick<DatabricksClient, "getServingEndpoint">, names: readonly string[]) {
    this.#client = client;
    this.#pending = new Set(names);
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** One interval's round: a GET for every endpoint still updating. */
  async poll(now: number): Promise<void> {
    await Promise.all(
      [...this.#pending].map(async (name) => {
        const endpoint = await this.#client.getServingEndpoint(name);
        if (endpoint.state.config_update !== "IN_PROGRESS") {
          this.#pending.delete(name);
          this.done.set(name, now);
        }
      }),
    );
  }
}
