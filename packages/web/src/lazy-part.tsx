import { Component, lazy, Suspense, useState, type ComponentType, type FunctionComponent, type ReactNode } from 'react';

/** A component from lazyPart: its code loads on first render, or earlier with preload(). */
export interface LazyPart<P> extends FunctionComponent<P> {
  /** Fetches the code now; elements created once it has arrived render at once, without the loading line. */
  preload(): Promise<unknown>;
}

const PARTS: LazyPart<never>[] = [];

/**
 * A component whose code is loaded on first render, in its own chunk of the build (vite splits at
 * every dynamic import), so the first page (sign-in, the queue) loads without the editors, the
 * dashboard and the Markdown renderer. Until the chunk arrives it shows "Loading the <what>…"; if
 * the chunk cannot be fetched (the server was updated and the old chunk names are gone), it says so
 * and asks for a reload instead of taking the whole page down.
 */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>, what: string): LazyPart<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = () => (loading ??= load().then((component) => (loaded = component)));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  function LazyPart(props: P) {
    // Chosen once per element, so an element never swaps its child (which would reset an editor).
    const [Inner] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return (
      <ChunkBoundary what={what}>
        <Suspense
          fallback={
            <p className="tw-loading" role="status">
              Loading the {what}…
            </p>
          }
        >
          <Inner {...props} />
        </Suspense>
      </ChunkBoundary>
    );
  }
  LazyPart.displayName = `Lazy(${what})`;
  LazyPart.preload = preload;
  PARTS.push(LazyPart as LazyPart<never>);
  return LazyPart;
}

/** Preloads every lazy part defined so far (tests, which then need not wait for each). */
export function preloadLazyParts(): Promise<unknown> {
  return Promise.all(PARTS.map((part) => part.preload()));
}

class ChunkBoundary extends Component<{ what: string; children: ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <p className="tw-error" role="alert">
        The {this.props.what} could not be loaded ({this.state.error.message}). Reload the page to try again.
      </p>
    );
  }
}
