import type { EventLog } from "./event-log.js";
import type { ResponseBody, ResponsePost, ResponseUrlOrigin } from "./types.js";

/** Slack accepts at most 5 posts to one response_url, within 30 minutes of its issue. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

interface Issued {
  readonly origin: ResponseUrlOrigin;
  readonly issuedAt: number;
  uses: number;
}

export type ResponseAcceptance =
  | { readonly ok: true; readonly post: ResponsePost }
  | { readonly ok: false; readonly error: "no_such_url" | "used_url" | "expired_url" };

/** The response_urls the emulator handed out (`{url}/response/{id}`) and the posts they received. */
export class ResponseUrls {
  readonly #issued = new Map<string, Issued>();
  readonly #posts: ResponsePost[] = [];
  #counter = 0;

  constructor(
    private readonly log: EventLog,
    private readonly now: () => number,
    private readonly baseUrl: () => string,
  ) {}

  issue(origin: ResponseUrlOrigin): string {
    this.#counter += 1;
    const id = `R${String(this.#counter).padStart(6, "0")}`;
    this.#issued.set(id, { origin, issuedAt: this.now(), uses: 0 });
    return this.urlOf(id);
  }

  urlOf(id: string): string {
    return `${this.baseUrl()}/response/${id}`;
  }

  /** Counts a post against the URL's allowance and records it; refused ones are not recorded as posts. */
  accept(id: string, body: ResponseBody): ResponseAcceptance {
    const issued = this.#issued.get(id);
    if (issued === undefined) return { ok: false, error: "no_such_url" };
    if (this.now() - issued.issuedAt > RESPONSE_URL_TTL_MS) return { ok: false, error: "expired_url" };
    if (issued.uses >= RESPONSE_URL_MAX_USES) return { ok: false, error: "used_url" };
    issued.uses += 1;
    const post: ResponsePost = {
      responseUrlId: id,
      url: this.urlOf(id),
      origin: issued.origin,
      use: issued.uses,
      body,
      at: this.now(),
    };
    this.#posts.push(post);
    this.log.record({ type: "response_posted", response: post });
    return { ok: true, post };
  }

  posts(): readonly ResponsePost[] {
    return [...this.#posts];
  }
}
