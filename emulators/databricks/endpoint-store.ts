import { randomBytes } from "node:crypto";
import { ApiError, invalidParameter, notFound } from "./errors.js";
import type { FailureKind } from "./failure-kinds.js";
import type { ForeignEndpoint } from "./foreign-endpoints.js";
import type { CoreConfig } from "./served-entities.js";

export interface EndpointTag {
  readonly key: string;
  readonly value?: string;
}

/** How a deployment ends when it fails: what `deployment_state_message` and the build logs say. */
export interface ProvisioningFailure {
  /**
   * A failure of this kind, worded as a workspace words it (see `failure-kinds.ts`): its message and build-log
   * lines, unless `message`/`buildLogs` say otherwise.
   */
  readonly kind?: FailureKind;
  readonly message?: string;
  readonly buildLogs?: string;
}

/**
 * One config version being (or having been) rolled out. Its outcome is not stored but computed from the clock:
 * it is in progress until `startTime + durationMs`, then it succeeded unless `failure` is set.
 */
export interface Deployment {
  readonly configVersion: number;
  readonly startTime: number;
  readonly durationMs: number;
  readonly config: CoreConfig;
  readonly creator: string;
  /** Set at start (a scheduled failure) or while in progress (`failProvisioning`). */
  failure: ProvisioningFailure | undefined;
}

export interface EndpointRecord {
  readonly name: string;
  readonly id: string;
  readonly creator: string;
  readonly creationTimestamp: number;
  tags: readonly EndpointTag[];
  /** The endpoint's AI gateway settings (seeded), echoed by GET; a config update never changes them. */
  readonly aiGateway: Readonly<Record<string, unknown>> | undefined;
  /** Clock time of the last tag change (it moves `last_updated_timestamp` too). */
  tagsChangedAt: number;
  /** Oldest first; a new one only starts once the previous one is done. */
  readonly deployments: Deployment[];
}

export interface EndpointStoreOptions {
  readonly now: () => number;
  readonly provisioningMs: number;
}

/**
 * The workspace's serving endpoints and their deployments. It only records facts (what was asked, when); what
 * an endpoint looks like at a given time is computed by `endpointStatus`, so no timer ever runs.
 */
export class EndpointStore {
  readonly #now: () => number;
  #provisioningMs: number;
  readonly #endpoints = new Map<string, EndpointRecord>();
  /** Other teams' endpoints (see `foreign-endpoints.ts`): listed, readable, deletable, never updated. */
  readonly #foreign = new Map<string, ForeignEndpoint>();
  /** Failures scheduled for the next deployment of an endpoint name. */
  readonly #scheduledFailures = new Map<string, ProvisioningFailure>();

  constructor(options: EndpointStoreOptions) {
    this.#now = options.now;
    this.#provisioningMs = options.provisioningMs;
  }

  get provisioningMs(): number {
    return this.#provisioningMs;
  }

  /** Applies to deployments that start from now on; one in progress keeps the duration it started with. */
  setProvisioningMs(ms: number): void {
    this.#provisioningMs = ms;
  }

  list(): EndpointRecord[] {
    return [...this.#endpoints.values()];
  }

  foreignList(): ForeignEndpoint[] {
    return [...this.#foreign.values()];
  }

  findForeign(name: string): ForeignEndpoint | undefined {
    return this.#foreign.get(name);
  }

  /** Adds another team's endpoint as it is; the name must be free. */
  addForeign(endpoint: ForeignEndpoint): void {
    this.ensureAbsent(endpoint.name);
    this.#foreign.set(endpoint.name, endpoint);
  }

  find(name: string): EndpointRecord | undefined {
    return this.#endpoints.get(name);
  }

  /**
   * Throws 404 for an unknown name, and 400 for another team's endpoint: the emulator does not model their configs
   * (ptbot refuses to touch them before it gets here).
   */
  get(name: string): EndpointRecord {
    if (this.#foreign.has(name)) {
      throw invalidParameter(
        `Endpoint '${name}' does not serve provisioned throughput entities; the emulator cannot change it.`,
      );
    }
    const record = this.#endpoints.get(name);
    if (record === undefined) throw notFound(`Endpoint with name '${name}' does not exist.`);
    return record;
  }

  /** Throws 409 `RESOURCE_ALREADY_EXISTS` when `name` is taken. */
  ensureAbsent(name: string): void {
    if (this.#endpoints.has(name) || this.#foreign.has(name)) {
      throw new ApiError(409, "RESOURCE_ALREADY_EXISTS", `Endpoint with name '${name}' already exists.`);
    }
  }

  /** Throws 404 for an unknown endpoint, 409 `RESOURCE_CONFLICT` while a config update is in progress. */
  ensureUpdatable(name: string): void {
    const latest = this.get(name).deployments.at(-1);
    if (latest !== undefined && this.#now() < latest.startTime + latest.durationMs) {
      throw new ApiError(
        409,
        "RESOURCE_CONFLICT",
        `Endpoint '${name}' already has a config update in progress (config version ${latest.configVersion}). ` +
          "Wait for it to finish before updating the config again.",
      );
    }
  }

  create(input: {
    name: string;
    config: CoreConfig;
    tags: readonly EndpointTag[];
    creator: string;
    /** Seeds place deployments in the past; the API always starts now. */
    startTime?: number;
    aiGateway?: Readonly<Record<string, unknown>>;
  }): EndpointRecord {
    this.ensureAbsent(input.name);
    const startTime = input.startTime ?? this.#now();
    const record: EndpointRecord = {
      name: input.name,
      id: randomBytes(16).toString("hex"),
      creator: input.creator,
      creationTimestamp: startTime,
      tags: input.tags,
      aiGateway: input.aiGateway,
      tagsChangedAt: startTime,
      deployments: [],
    };
    this.#endpoints.set(input.name, record);
    this.#startDeployment(record, input.config, input.creator, startTime);
    return record;
  }

  /** Starts a new config version; refused with 409 `RESOURCE_CONFLICT` while one is in progress. */
  updateConfig(name: string, config: CoreConfig, creator: string): EndpointRecord {
    this.ensureUpdatable(name);
    const record = this.get(name);
    this.#startDeployment(record, config, creator, this.#now());
    return record;
  }

  delete(name: string): void {
    if (this.#foreign.delete(name)) return;
    this.get(name);
    this.#endpoints.delete(name);
  }

  patchTags(name: string, add: readonly EndpointTag[], remove: readonly string[]): readonly EndpointTag[] {
    const record = this.get(name);
    const tags = new Map(record.tags.map((t) => [t.key, t]));
    for (const key of remove) tags.delete(key);
    for (const tag of add) tags.set(tag.key, tag);
    record.tags = [...tags.values()];
    record.tagsChangedAt = this.#now();
    return record.tags;
  }

  /** Fails the deployment in progress for `name`, or else the next one that starts under that name. */
  failProvisioning(name: string, failure: ProvisioningFailure): void {
    const latest = this.#endpoints.get(name)?.deployments.at(-1);
    if (latest !== undefined && this.#now() < latest.startTime + latest.durationMs) {
      latest.failure = failure;
      return;
    }
    this.#scheduledFailures.set(name, failure);
  }

  #startDeployment(record: EndpointRecord, config: CoreConfig, creator: string, startTime: number): void {
    const failure = this.#scheduledFailures.get(record.name);
    this.#scheduledFailures.delete(record.name);
    record.deployments.push({
      configVersion: (record.deployments.at(-1)?.configVersion ?? 0) + 1,
      startTime,
      durationMs: this.#provisioningMs,
      config,
      creator,
      failure,
    });
  }
}
