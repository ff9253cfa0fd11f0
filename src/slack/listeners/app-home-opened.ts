/**
 * The Home tab: when someone opens it (`app_home_opened`, tab `home`), ptbot publishes their view (`views.publish`):
 * what waits for their approval and what the fleet costs. Events are acknowledged by Bolt at once; a retried
 * delivery publishes the same view again, which is harmless.
 */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from "@slack/bolt";
import { homeView } from "../blocks/home.js";
import { loadHome } from "../queries/home.js";
import type { ListenerDeps } from "./deps.js";
import { fleetLinks } from "./workspace-of.js";

export interface HomeOpenedArgs {
  readonly event: { readonly user: string; readonly tab?: string };
  readonly client: {
    readonly views: Pick<AllMiddlewareArgs["client"]["views"], "publish">;
    readonly chat: Pick<AllMiddlewareArgs["client"]["chat"], "getPermalink">;
  };
}

export async function handleHomeOpened(args: HomeOpenedArgs, deps: ListenerDeps): Promise<void> {
  const { event, client } = args;
  // The Messages tab opens the same event; only the Home tab has a view to publish.
  if (event.tab !== undefined && event.tab !== "home") return;
  const log = deps.logger.child({ user: event.user });
  try {
    const data = await loadHome(
      deps,
      event.user,
      async (channel, messageTs) =>
        (await client.chat.getPermalink({ channel, message_ts: messageTs })).permalink,
      log,
    );
    const view = homeView({
      viewer: event.user,
      ...data,
      links: fleetLinks(deps),
    });
    await client.views.publish({ user_id: event.user, view });
    log.info({ waiting: data.waiting.length, endpoints: data.fleet.entries.length }, "home tab published");
  } catch (error) {
    log.warn({ err: error }, "home tab not published");
  }
}

export function register(app: App, deps: ListenerDeps): void {
  app.event("app_home_opened", (args: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs) =>
    handleHomeOpened(args, deps),
  );
}
