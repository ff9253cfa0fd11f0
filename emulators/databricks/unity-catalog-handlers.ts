import { type Catalog, queryFlag } from "./catalog.js";
import { paginate } from "./paging.js";
import type { Route } from "./router.js";

const MODELS = "/api/2.1/unity-catalog/models";

/** Unity Catalog's registered-model routes: model, version, version list (paged), alias. */
export function unityCatalogRoutes(catalog: Catalog): Route[] {
  return [
    {
      method: "GET",
      pattern: `${MODELS}/{full_name}`,
      body: "none",
      authenticated: true,
      handler: ({ params, query }) => ({
        status: 200,
        body: catalog.modelJson(
          catalog.model(params.full_name ?? ""),
          queryFlag(query.get("include_aliases")),
        ),
      }),
    },
    {
      method: "GET",
      pattern: `${MODELS}/{full_name}/versions`,
      body: "none",
      authenticated: true,
      handler: ({ params, query }) => {
        const model = catalog.model(params.full_name ?? "");
        const page = paginate(
          model.versions,
          model.versions_paging?.empty_pages_at ?? [],
          query.get("max_results"),
          query.get("page_token"),
        );
        // Listed versions carry no aliases, and an empty list is omitted altogether (protobuf JSON), which is
        // how a real empty page looks: `{ "next_page_token": "..." }`.
        const versions = page.items.map((version) => catalog.versionJson({ model, version }, false));
        return {
          status: 200,
          body: {
            ...(versions.length === 0 ? {} : { model_versions: versions }),
            ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }),
          },
        };
      },
    },
    {
      method: "GET",
      pattern: `${MODELS}/{full_name}/versions/{version}`,
      body: "none",
      authenticated: true,
      handler: ({ params, query }) => ({
        status: 200,
        body: catalog.versionJson(
          catalog.version(params.full_name ?? "", params.version ?? ""),
          queryFlag(query.get("include_aliases")),
        ),
      }),
    },
    {
      method: "GET",
      pattern: `${MODELS}/{full_name}/aliases/{alias}`,
      body: "none",
      authenticated: true,
      handler: ({ params, query }) => ({
        status: 200,
        body: catalog.versionJson(
          catalog.alias(params.full_name ?? "", params.alias ?? ""),
          queryFlag(query.get("include_aliases")),
        ),
      }),
    },
  ];
}
