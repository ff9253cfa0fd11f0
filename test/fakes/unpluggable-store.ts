/**
 * A store whose database can be unplugged: it wraps a real store (a `SqliteStore`) and, while unplugged, fails every
 * call the way `PostgresStore` does for a database out of reach, with `StoreUnavailableError`. `"refuse"` fails at
 * once (a server restarting refuses connections); `"hang"` holds each call until the store is plugged back in and
 * then fails it (a network cut, where only a timeout ends the wait). Nothing reaches the inner store meanwhile, so
 * nothing is written: what a test sees afterwards is what the real store kept.
 */

import type { Store } from "../../src/store/store.js";
import { StoreUnavailableError } from "../../src/store/store-unavailable.js";

export type UnplugMode = "refuse" | "hang";

export interface UnpluggableStore {
  readonly store: Store;
  /** Unplugs the database; `only` limits the failure to some methods (by name), the others go on working. */
  unplug(options?: { readonly mode?: UnplugMode; readonly only?: (method: string) => boolean }): void;
  /** Plugs it back in; calls held by `"hang"` fail now, as a timed-out query would. */
  plug(): void;
  /** How many calls failed so far: proof that ptbot kept trying while unplugged. */
  readonly failures: number;
  /** How many calls of one method failed (or are held) so far. */
  failuresOf(method: string): number;
}

function unavailable(): StoreUnavailableError {
  const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  return new StoreUnavailableError({ cause });
}

export function unpluggable(inner: Store): UnpluggableStore {
  let unplugged: { mode: UnplugMode; only: (method: string) => boolean } | undefined;
  let held: (() => void)[] = [];
  const failed = new Map<string, number>();
  let failures = 0;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const method = String(property);
      return (...args: unknown[]) => {
        if (unplugged === undefined || !unplugged.only(method) || method === "close") {
          // The adapter's own `this`: its private fields are not on the proxy.
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        }
        failures++;
        failed.set(method, (failed.get(method) ?? 0) + 1);
        if (unplugged.mode === "refuse") return Promise.reject(unavailable());
        return new Promise((_resolve, reject) => {
          held.push(() => reject(unavailable()));
        });
      };
    },
  });
  return {
    store,
    unplug(options = {}) {
      unplugged = { mode: options.mode ?? "refuse", only: options.only ?? (() => true) };
    },
    plug() {
      unplugged = undefined;
      const waiting = held;
      held = [];
      for (const fail of waiting) fail();
    },
    get failures() {
      return failures;
    },
    failuresOf(method) {
      return failed.get(method) ?? 0;
    },
  };
}
