/**
 * `/pt help`, and the answer to anything ptbot cannot parse: what was wrong first (when something was), then usage
 * and examples.
 */
import type { PlanPolicy } from "../../domain/index.js";
import type { ParseProblem } from "../command-parser.js";
import { COMMAND } from "../ids.js";
import { parseProblemText } from "../messages.js";
import { type Block, context, message, type SlackMessage, section } from "./limits.js";

export interface HelpOptions {
  /** What could not be understood, if anything. */
  readonly problem?: ParseProblem;
  /** For the defaults and the limit on multiples. */
  readonly policy?: PlanPolicy;
}

export function helpMessage(options: HelpOptions = {}): SlackMessage {
  const { problem, policy } = options;
  const blocks: Block[] = [];
  const lead = problem === undefined ? undefined : `⚠️ ${parseProblemText(problem)}`;
  if (lead !== undefined) blocks.push(section(lead));
  blocks.push(
    section(
      [
        "*ptbot deploys Databricks provisioned-throughput endpoints, with an approval.*",
        `\`${COMMAND} deploy <catalog.schema.model>[@alias] [version] [--name NAME] [--min N] [--max N] [--scale-to-zero] [--ttl 7d]\``,
        "    propose a deploy; an approver confirms it on the card I post here",
        `\`${COMMAND} scale <endpoint> [--min N] [--max N] [--scale-to-zero | --no-scale-to-zero] [--adopt]\`    change an endpoint's band (options left out keep their value), with an approval`,
        `\`${COMMAND} rollback <endpoint> [--adopt]\`    put back the config ptbot applied before the current one, with an approval`,
        `\`${COMMAND} delete <endpoint> [--adopt]\`    delete an endpoint; the approver types its name to confirm`,
        `\`${COMMAND} status <endpoint>\`    any endpoint: state, model, throughput, tags, who asked and who approved, ptbot's last changes`,
        `\`${COMMAND} export <endpoint>\`    its config as Databricks Asset Bundle YAML and Terraform HCL, just for you`,
        `\`${COMMAND} list\`    endpoints ptbot manages and requests in flight`,
        `\`${COMMAND} cost\`    what the endpoints ptbot manages cost, the most expensive first`,
        `\`${COMMAND} cancel <endpoint or request id>\`    withdraw a request not yet applied (requester or approvers), even when its card is gone`,
        `\`${COMMAND} help\`    this message`,
        'Add `--break-glass "reason"` to a deploy, scale, rollback or delete during a change freeze: it is marked as a break-glass change and needs the workspace\'s break-glass quorum (two approvals unless configured).',
      ].join("\n"),
    ),
    section(
      [
        "*Examples*",
        `\`${COMMAND} deploy ml.llm-catalog.llama-13b 3\``,
        `\`${COMMAND} deploy ml.llm-catalog.llama-13b@champion --max 4\``,
        `\`${COMMAND} deploy ml.llm-catalog.llama-13b 3 --ttl 7d\``,
        `\`${COMMAND} deploy system.ai.meta_llama_v3_1_8b_instruct --min 0 --max 2 --scale-to-zero --name llama-8b-dev\``,
        `\`${COMMAND} scale llama-13b-3 --max 5\``,
        `\`${COMMAND} status llama-13b-3\``,
        `\`${COMMAND} export llama-13b-3\``,
      ].join("\n"),
    ),
    context([
      "`--min` and `--max` are multiples of the model's throughput chunk" +
        (policy === undefined
          ? "."
          : ` (default ${policy.defaultMinMultiple}× to ${policy.defaultMaxMultiple}×, at most ${policy.maxMultipleLimit}×).`) +
        " No version means the latest READY one. Model-unit models are sized by `--max` alone." +
        " `--scale-to-zero=false` (or `--no-scale-to-zero`) keeps scale to zero off; every option takes" +
        " `--option value` or `--option=value`, once. Scale, rollback and delete change only endpoints ptbot" +
        " created, unless `--adopt` says to take over one it did not (ptbot manages it from then on)." +
        " `--ttl` (`30m`, `12h`, `7d`) says how long after READY the endpoint should go away: before then, its" +
        " thread asks whether to keep it, scale it to zero or delete it.",
      " Every command takes `--in <workspace>`: the Databricks workspace it is for (default: the channel's).",
    ]),
  );
  const text = lead === undefined ? "How to use /pt" : `${lead} See /pt help for usage.`;
  return message(text, blocks);
}
