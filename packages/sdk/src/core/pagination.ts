/**
 * Auto-paginating lists. A list method returns a `PagePromise`: await it for the first page, or
 * `for await` over it for every item across pages. Only one page is held in memory at a time.
 */
import type { ApiRequest, Transport } from './transport.ts';

/** One page of a list, able to fetch the page after it. */
export abstract class AbstractPage<Item> implements AsyncIterable<Item> {
  constructor(
    protected readonly transport: Transport,
    /** The request that produced this page; the next page's request is derived from it. */
    protected readonly request: ApiRequest,
    /** The page's JSON body as the server sent it. */
    readonly body: unknown,
  ) {}

  /** The items of this page. */
  abstract get items(): Item[];

  /** The request for the following page, or null on the last page. */
  protected abstract nextPageRequest(): ApiRequest | null;

  /** Builds a page of the same kind from a body (for the following page). */
  protected withBody(request: ApiRequest, body: unknown): this {
    return new (this.constructor as PageConstructor<this>)(this.transport, request, body);
  }

  hasNextPage(): boolean {
    return this.nextPageRequest() !== null;
  }

  /** Fetches the following page; throws if there is none (check `hasNextPage()` first). */
  async getNextPage(): Promise<this> {
    const next = this.nextPageRequest();
    if (!next) throw new Error('No next page: check hasNextPage() before calling getNextPage().');
    const body = await this.transport.request(next);
    return this.withBody(next, body);
  }

  /** Every page from this one to the last. */
  async *iterPages(): AsyncGenerator<this> {
    let page: this = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  /** Every item from this page to the end of the list. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.iterPages()) yield* page.items;
  }

  protected queryWith(changes: Record<string, string | number | undefined>): ApiRequest {
    return { ...this.request, query: { ...this.request.query, ...changes } };
  }
}

type PageConstructor<P> = new (transport: Transport, request: ApiRequest, body: unknown) => P;

/**
 * The result of a list method: awaitable (the first page) and async-iterable (every item). The
 * first request is sent when the promise is first awaited or iterated.
 */
export class PagePromise<P extends AbstractPage<Item>, Item> implements Promise<P>, AsyncIterable<Item> {
  #page: Promise<P> | undefined;
  readonly [Symbol.toStringTag] = 'PagePromise';

  constructor(
    private readonly transport: Transport,
    private readonly request: ApiRequest,
    private readonly Page: PageConstructor<P>,
  ) {}

  #load(): Promise<P> {
    this.#page ??= this.transport.request(this.request).then((body) => new this.Page(this.transport, this.request, body));
    return this.#page;
  }

  then<A = P, B = never>(onFulfilled?: ((page: P) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#load().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<P | B> {
    return this.#load().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<P> {
    return this.#load().finally(onFinally);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    const first = await this.#load();
    yield* first;
  }
}

function record(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function arrayAt<T>(body: unknown, key: string): T[] {
  const value = record(body)[key];
  return Array.isArray(value) ? (value as T[]) : [];
}

function tokenAt(body: unknown): string | null {
  const token = record(body).next_token;
  return typeof token === 'string' && token !== '' ? token : null;
}

/**
 * v1 `GET tasks`: `{docs, total, limit, offset, has_more, next_token}`, paged by `next_token`
 * (contract 6.1).
 */
export class CursorPage<Item> extends AbstractPage<Item> {
  get items(): Item[] {
    return arrayAt<Item>(this.body, 'docs');
  }
  get docs(): Item[] {
    return this.items;
  }
  /** Matching items across all pages. */
  get total(): number {
    return Number(record(this.body).total ?? 0);
  }
  get limit(): number {
    return Number(record(this.body).limit ?? 0);
  }
  get offset(): number {
    return Number(record(this.body).offset ?? 0);
  }
  get hasMore(): boolean {
    return record(this.body).has_more === true;
  }
  get nextToken(): string | null {
    return tokenAt(this.body);
  }
  protected nextPageRequest(): ApiRequest | null {
    const token = this.nextToken;
    if (!this.hasMore || token === null) return null;
    return this.queryWith({ next_token: token, offset: undefined });
  }
}

/**
 * v1 `GET batches`: `{docs, totalDocs, limit, offset, has_more}`, paged by offset (contract 6.2).
 * The next offset is this offset plus the items received, so a server limit of 0 cannot loop.
 */
export class OffsetPage<Item> extends AbstractPage<Item> {
  get items(): Item[] {
    return arrayAt<Item>(this.body, 'docs');
  }
  get docs(): Item[] {
    return this.items;
  }
  get totalDocs(): number {
    return Number(record(this.body).totalDocs ?? 0);
  }
  get limit(): number {
    return Number(record(this.body).limit ?? 0);
  }
  get offset(): number {
    return Number(record(this.body).offset ?? 0);
  }
  get hasMore(): boolean {
    const body = record(this.body);
    if (typeof body.has_more === 'boolean') return body.has_more;
    return this.offset + this.items.length < this.totalDocs;
  }
  protected nextPageRequest(): ApiRequest | null {
    if (!this.hasMore || this.items.length === 0) return null;
    return this.queryWith({ offset: this.offset + this.items.length });
  }
}

/** v2 lists: the items under one key plus `next_token`, absent or null on the last page (contract 6.3). */
export abstract class TokenPage<Item> extends AbstractPage<Item> {
  /** The key that holds the items (`tasks`, `batches`, `docs`). */
  protected abstract readonly itemsKey: string;
  get items(): Item[] {
    return arrayAt<Item>(this.body, this.itemsKey);
  }
  get nextToken(): string | null {
    return tokenAt(this.body);
  }
  protected nextPageRequest(): ApiRequest | null {
    const token = this.nextToken;
    return token === null ? null : this.queryWith({ next_token: token });
  }
}
