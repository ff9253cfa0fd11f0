import { invalidParameter } from "./errors.js";

/** Unity Catalog's page lengths: unset or 0 means 100, anything above 1000 is cut to 1000. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string | undefined;
}

interface Cursor {
  /** Offset of the next item. */
  readonly o: number;
  /** Whether the empty page due at this offset was already served. */
  readonly e: boolean;
}

/**
 * One page of `items` the way Unity Catalog pages: opaque tokens, and before each offset in `emptyPagesAt` one
 * page with no items that still carries a `next_page_token` (UC documents that a page may be empty; clients must
 * read until the token is absent). A page never runs past such an offset, so the empty page always comes.
 */
export function paginate<T>(
  items: readonly T[],
  emptyPagesAt: readonly number[],
  maxResults: string | null,
  pageToken: string | null,
): Page<T> {
  const limit = pageLength(maxResults);
  const cursor =
    pageToken === null || pageToken === "" ? { o: 0, e: false } : decode(pageToken, items.length);
  const empties = new Set(emptyPagesAt.filter((o) => o < items.length));
  if (empties.has(cursor.o) && !cursor.e)
    return { items: [], nextPageToken: encode({ o: cursor.o, e: true }) };
  let end = Math.min(cursor.o + limit, items.length);
  for (let k = cursor.o + 1; k < end; k++) {
    if (empties.has(k)) {
      end = k;
      break;
    }
  }
  return {
    items: items.slice(cursor.o, end),
    nextPageToken: end < items.length ? encode({ o: end, e: false }) : undefined,
  };
}

function pageLength(maxResults: string | null): number {
  if (maxResults === null || maxResults === "") return DEFAULT_PAGE;
  const n = Number(maxResults);
  if (!Number.isInteger(n) || n < 0) {
    throw invalidParameter(`Invalid max_results '${maxResults}': must be a non-negative integer.`);
  }
  if (n === 0) return DEFAULT_PAGE;
  return Math.min(n, MAX_PAGE);
}

function encode(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decode(token: string, length: number): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && "o" in value && "e" in value) {
      const { o, e } = value;
      if (typeof o === "number" && Number.isInteger(o) && o >= 0 && o <= length && typeof e === "boolean") {
        return { o, e };
      }
    }
  } catch {
    // falls through to the error below
  }
  throw invalidParameter(`Invalid page token: '${token}'.`);
}
