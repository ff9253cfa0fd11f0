/**
 * The fleet's polling role of the store: which replica reads a workspace's endpoint list in a poll interval. However
 * many replicas run, one of them wins each interval of a workspace, so Databricks sees one list call per workspace
 * per interval in total; the others leave the provisioning requests of that workspace to the winner.
 */
export interface PollLeases {
  /**
   * Takes the poll of `workspace` for the interval starting `now` when nobody holds it (the last one ran out at or
   * before `now`): records `owner` and `now + intervalMs` and answers `true`. Answers `false`, writing nothing, while
   * another claim's interval runs, also when it is `owner`'s own (one poll per interval, whoever asks). Atomic: two
   * claimers at once, even from two processes, never both win.
   */
  claimPoll(options: PollClaimOptions): Promise<boolean>;
}

export interface PollClaimOptions {
  readonly workspace: string;
  /** Who polls (the lease owner of the replica), for people reading the table. */
  readonly owner: string;
  readonly now: number;
  /** The interval this claim covers: nobody polls the workspace again before `now + intervalMs`. */
  readonly intervalMs: number;
}
