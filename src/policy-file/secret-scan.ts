/**
 * Secrets never go in the policy file: it is committed and reviewed, credentials are not. This finds settings named
 * like a secret (`token`, `client_secret`, `password`) and values shaped like one (a Databricks or Slack token)
 * anywhere in the file. A finding names where it is, never what it holds.
 */
import { type Document, isMap, isPair, isScalar, isSeq } from "yaml";
import type { SettingPath } from "./yaml-locations.js";

export interface SecretFinding {
  readonly path: SettingPath;
  readonly message: string;
}

const SECRET_KEYS = new Set([
  "token",
  "client_secret",
  "secret",
  "password",
  "access_token",
  "api_key",
  "pat",
  "signing_secret",
]);

// Databricks PATs (`dapi…`, `dose…` OAuth secrets), Slack tokens (`xoxb-`, `xoxp-`, `xapp-`), a password in a URL.
const SECRET_VALUES = [
  /^dapi[0-9a-f]{20,}/i,
  /^dose[0-9a-z]{20,}/i,
  /^xox[abprs]-/,
  /^xapp-/,
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
];

/** Every secret-named setting and secret-shaped value in `doc`. */
export function findSecrets(doc: Document): SecretFinding[] {
  const found: SecretFinding[] = [];
  const walk = (node: unknown, path: SettingPath) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const at = [...path, key];
        if (SECRET_KEYS.has(key.toLowerCase())) {
          found.push({
            path: at,
            message: `is a secret, and secrets never go in the policy file: put it in an environment variable and name that variable (${key}_env)`,
          });
          continue;
        }
        walk(pair.value, at);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    } else if (isScalar(node) && typeof node.value === "string") {
      if (SECRET_VALUES.some((pattern) => pattern.test(node.value as string))) {
        found.push({
          path,
          message:
            "holds what looks like a secret (a token or a password): secrets never go in the policy file; put it in an environment variable and name that variable",
        });
      }
    }
  };
  walk(doc.contents, []);
  return found;
}
