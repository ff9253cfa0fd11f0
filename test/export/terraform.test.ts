/**
 * The Terraform renderer: strings Terraform reads back exactly as they were (quotes, backslashes, control
 * characters, and `${`/`%{`, which would otherwise be an interpolation or a template directive), and the blocks
 * of a model-unit endpoint with auto capture.
 */
import { describe, expect, it } from "vitest";
import { quote, toTerraformHcl } from "../../src/export/terraform.js";

describe("HCL strings", () => {
  it("escapes what HCL would read as something else", () => {
    expect(quote('say "hi"')).toBe('"say \\"hi\\""');
    expect(quote("C:\\path")).toBe('"C:\\\\path"');
    expect(quote("a\nb\tc\rd")).toBe('"a\\nb\\tc\\rd"');
    expect(quote("bell\u0007")).toBe('"bell\\u0007"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal `${` is what this checks.
    expect(quote("${var.x} and %{if y}")).toBe('"$${var.x} and %%{if y}"');
    expect(quote("{{secrets/ml/hf}}")).toBe('"{{secrets/ml/hf}}"');
    expect(quote("naïve ✓")).toBe('"naïve ✓"');
  });
});

describe("the databricks_model_serving resource", () => {
  it("renders a model-unit entity, auto capture, and a label that is a valid identifier", () => {
    const hcl = toTerraformHcl({
      name: "9-oss",
      config: {
        served_entities: [
          {
            name: "gpt-oss-120b-1",
            entity_name: "system.ai.gpt-oss-120b",
            entity_version: "1",
            provisioned_model_units: 100,
          },
        ],
        auto_capture_config: { catalog_name: "ml", schema_name: "logs", enabled: true },
      },
      tags: [{ key: "flag" }],
    });
    expect(hcl).toBe(
      [
        'resource "databricks_model_serving" "endpoint_9_oss" {',
        '  name = "9-oss"',
        "  config {",
        "    served_entities {",
        '      name                    = "gpt-oss-120b-1"',
        '      entity_name             = "system.ai.gpt-oss-120b"',
        '      entity_version          = "1"',
        "      provisioned_model_units = 100",
        "    }",
        "    auto_capture_config {",
        '      catalog_name = "ml"',
        '      schema_name  = "logs"',
        "      enabled      = true",
        "    }",
        "  }",
        "  tags {",
        '    key = "flag"',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });
});
