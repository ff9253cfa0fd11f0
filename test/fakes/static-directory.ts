import type { ApproverDirectory } from "../../src/domain/index.js";

/** Group membership from a fixed table: `{ S0MLAPPROVE: ["U0APPROVER"] }`. */
export function staticDirectory(members: Readonly<Record<string, readonly string[]>>): ApproverDirectory {
  return {
    async groupsOf(userId, groups) {
      return groups.filter((g) => members[g]?.includes(userId) ?? false);
    },
  };
}
