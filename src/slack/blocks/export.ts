/**
 * The private answer to `/pt export <endpoint>` and to the Export button: the endpoint's config as a Databricks
 * Asset Bundle resource (YAML) and as a Terraform resource (HCL), each in code blocks. Slack caps a section at 3000
 * characters, so a long config is split over several code blocks at line ends (never inside a line's escape), each
 * block a valid piece to copy in order.
 */
import { toAssetBundleYaml } from "../../export/asset-bundle.js";
import { withholdPlainValues } from "../../export/secret-values.js";
import { toTerraformHcl } from "../../export/terraform.js";
import { lookupFailureText } from "../messages.js";
import { code, escapeMrkdwn, truncate } from "../mrkdwn.js";
import type { EndpointExport } from "../queries/endpoint-export.js";
import { type Block, context, header, LIMITS, message, type SlackMessage, section } from "./limits.js";

const FENCE = "```";
/** Room for the fences and their newlines in a section. */
const CODE_ROOM = LIMITS.sectionText - 2 * FENCE.length - 2;
/** Raw characters per piece of an over-long line: escaped (at most 5× for `&`) it still fits a section. */
const LINE_PIECE = Math.floor(CODE_ROOM / 5);

export function exportMessage(name: string, result: EndpointExport): SlackMessage {
  const endpoint = code(name);
  switch (result.kind) {
    case "not_found":
      return plainAnswer(`There is no endpoint ${endpoint} in the workspace, so there is nothing to export.`);
    case "no_config":
      return plainAnswer(
        `Endpoint ${endpoint} has no config yet (nothing serving, nothing deploying) to export.`,
      );
    case "not_exportable":
      return plainAnswer(
        `Endpoint ${endpoint} serves ${escapeMrkdwn(result.what)}; ptbot exports only endpoints serving Unity ` +
          "Catalog models.",
      );
    case "lookup_failed":
      return plainAnswer(`⚠️ ${lookupFailureText(result.code)}`);
    case "ok":
      break;
  }
  const { spec, withheld } = withholdPlainValues(result.spec);
  const blocks: Block[] = [
    header(`Export of ${truncate(name, 100)}`),
    section(
      `The config of ${endpoint} as Databricks serves it now: band, served entities, traffic and tags. ` +
        "Paste the first into a bundle, or the second into Terraform.",
    ),
    section("*Databricks Asset Bundle* (`resources` in `databricks.yml`)"),
    ...codeSections(toAssetBundleYaml(spec)),
    section("*Terraform* (`databricks_model_serving`)"),
    ...codeSections(toTerraformHcl(spec)),
  ];
  if (withheld > 0) {
    blocks.push(
      context([
        `${withheld} environment variable ${withheld === 1 ? "value is" : "values are"} not a secret reference ` +
          "(`{{secrets/scope/key}}`) and may be a credential, so ptbot left it out; copy it from Databricks.",
      ]),
    );
  }
  const shown = blocks.slice(0, LIMITS.messageBlocks);
  if (shown.length < blocks.length) {
    shown[LIMITS.messageBlocks - 1] = context([
      "The export is too long for one Slack message; the rest is cut.",
    ]);
  }
  return message(`Export of ${endpoint}: Databricks Asset Bundle YAML and Terraform HCL`, shown);
}

function plainAnswer(line: string): SlackMessage {
  return message(line, [section(line)]);
}

/**
 * `text` in as few code blocks as fit, split at line ends. Slack needs `&`, `<` and `>` escaped even in code; a
 * backtick would end the block, so it is shown as a look-alike (`ˋ`), as in every code block ptbot posts.
 */
export function codeSections(text: string): Block[] {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .trimEnd()
    .split("\n")
    .flatMap((line) => pieces(line).map((p) => escapeMrkdwn(p.replace(/`/g, "ˋ"))));
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const line of lines) {
    const added = line.length + (current.length === 0 ? 0 : 1);
    if (current.length > 0 && size + added > CODE_ROOM) {
      chunks.push(current.join("\n"));
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + (current.length === 1 ? 0 : 1);
  }
  if (current.length > 0) chunks.push(current.join("\n"));
  return chunks.map((c) => section(`${FENCE}\n${c === "" ? " " : c}\n${FENCE}`));
}

function pieces(line: string): string[] {
  if (line.length <= LINE_PIECE) return [line];
  const out: string[] = [];
  for (let i = 0; i < line.length; i += LINE_PIECE) out.push(line.slice(i, i + LINE_PIECE));
  return out;
}
