import { describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { lazyPart } from '../../src/lazy-part.tsx';
import { FAMILY_UIS } from '../../src/families/index.ts';

/** A load the test finishes by hand. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

function Greeting({ name }: { name: string }) {
  return <p>Hello {name}</p>;
}

describe('a lazily loaded part of the page', () => {
  it('says it is loading until its code arrives, then shows the component with its props', async () => {
    const load = pending<typeof Greeting>();
    const Part = lazyPart(() => load.promise, 'greeting');
    render(<Part name="Ada" />);
    expect(screen.getByRole('status').textContent).toBe('Loading the greeting…');
    await act(async () => load.resolve(Greeting));
    expect(screen.getByText('Hello Ada')).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('asks for a reload when its code cannot be fetched, instead of taking the page down', async () => {
    const load = pending<typeof Greeting>();
    const Part = lazyPart(() => load.promise, 'greeting');
    render(
      <div>
        <p>Rest of the page</p>
        <Part name="Ada" />
      </div>,
    );
    await act(async () => load.reject(new Error('Failed to fetch dynamically imported module')));
    expect(screen.getByRole('alert').textContent).toBe('The greeting could not be loaded (Failed to fetch dynamically imported module). Reload the page to try again.');
    expect(screen.getByText('Rest of the page')).toBeTruthy();
  });

  it('renders at once, with no loading line, once preloaded', async () => {
    let loads = 0;
    const Part = lazyPart(async () => {
      loads++;
      return Greeting;
    }, 'greeting');
    await Part.preload();
    render(<Part name="Grace" />);
    expect(screen.getByText('Hello Grace')).toBeTruthy();
    expect(loads).toBe(1);
  });
});

describe('the family registry', () => {
  it("loads each family's own editor and preview (the loader checks the id of what it loaded)", async () => {
    // Rejects when a registry line loads another family's module.
    await Promise.all(FAMILY_UIS.flatMap((family) => [family.Editor, family.Preview]).map((part) => part.preload()));
    for (const family of FAMILY_UIS) {
      const { unmount } = render(<family.Preview task={{ task_id: 't', type: family.taskTypes[0], params: {} } as never} response={null} />);
      expect(screen.queryByRole('status'), `${family.id} preview still loading`).toBeNull();
      expect(screen.queryByText(/could not be loaded/), `${family.id} preview failed to load`).toBeNull();
      unmount();
    }
  });
});
