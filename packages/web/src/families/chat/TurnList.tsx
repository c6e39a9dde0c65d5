import { memo, startTransition, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatStore } from './chat-store.ts';
import { TurnView } from './TurnView.tsx';

/** Threads longer than this draw only the turns near the screen; shorter ones draw every turn. */
export const WINDOWED_FROM = 30;
/** How far above and below the screen a turn is drawn before it scrolls in. */
const NEAR_MARGIN = '1500px 0px';
/** Height of a turn not drawn yet, until one has been measured (then their mean). */
const FIRST_GUESS_PX = 400;

interface TurnListProps {
  store: ChatStore;
  /** How many turns the thread has: the list re-renders when it changes, and for nothing else. */
  count: number;
  onRegenerate?: (turn: number, message: number, endpoint: string) => void;
}

/**
 * The conversation's turns. Each turn reads itself from the store (LiveTurn), so an edit re-renders
 * the one turn it touches and not this list: no per-turn array is rebuilt per keystroke. A long
 * thread (more than WINDOWED_FROM turns) is windowed: every turn has a slot in the page, but a slot
 * far from the screen holds an empty box of the turn's last measured height instead of the turn,
 * so opening, scrolling and editing a thread of hundreds of turns draws a few turns, not all
 * (bench/chat-editor.bench.ts).
 */
export function TurnList({ store, count, onRegenerate }: TurnListProps) {
  // Without IntersectionObserver (old browsers, jsdom) every turn is drawn.
  const windowed = count > WINDOWED_FROM && typeof IntersectionObserver !== 'undefined';
  const near = useNearness(windowed);
  return useMemo(
    () =>
      Array.from({ length: count }, (_, index) =>
        windowed ? <TurnSlot key={index} near={near} store={store} index={index} onRegenerate={onRegenerate} /> : <LiveTurn key={index} store={store} index={index} onRegenerate={onRegenerate} />,
      ),
    [count, windowed, near, store, onRegenerate],
  );
}

interface LiveTurnProps {
  store: ChatStore;
  index: number;
  onRegenerate?: TurnListProps['onRegenerate'];
}

/** One turn, subscribed to that turn alone (ChatStore.subscribeTurn). */
const LiveTurn = memo(function LiveTurn({ store, index, onRegenerate }: LiveTurnProps) {
  const subscribe = useCallback((listener: () => void) => store.subscribeTurn(index, listener), [store, index]);
  const turn = useSyncExternalStore(subscribe, () => store.turnAt(index));
  const streaming = useSyncExternalStore(subscribe, () => store.streamingOf(index));
  return turn ? <TurnView store={store} turn={turn} index={index} streaming={streaming} onRegenerate={onRegenerate} /> : null;
});

const TurnSlot = memo(function TurnSlot({ near, ...turn }: LiveTurnProps & { near: Nearness | undefined }) {
  const slot = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState(false);
  useEffect(() => near?.watch(slot.current!, setShown), [near]);
  return (
    <div ref={slot} className="tw-chat-slot" data-slot={turn.index} style={shown ? undefined : { height: near?.heightOf(slot.current) ?? FIRST_GUESS_PX }}>
      {shown && <LiveTurn {...turn} />}
    </div>
  );
});

/** Which slots are near the screen: one IntersectionObserver for the list, and the heights of turns that scrolled away. */
interface Nearness {
  watch(slot: Element, onChange: (near: boolean) => void): () => void;
  heightOf(slot: Element | null): number;
}

function useNearness(enabled: boolean): Nearness | undefined {
  const [nearness, setNearness] = useState<Nearness | undefined>(undefined);
  useEffect(() => {
    if (!enabled) return;
    const listeners = new Map<Element, (near: boolean) => void>();
    const heights = new WeakMap<Element, number>();
    let measured = 0;
    let measuredTotal = 0;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          // A drawn turn leaving keeps its height for the empty box that replaces it.
          if (!entry.isIntersecting && entry.boundingClientRect.height > 0 && entry.target.childElementCount > 0) {
            if (!heights.has(entry.target)) measured++;
            else measuredTotal -= heights.get(entry.target)!;
            heights.set(entry.target, entry.boundingClientRect.height);
            measuredTotal += entry.boundingClientRect.height;
          }
          // A transition: drawing the turns that scroll near yields to input, in slices, instead of holding a frame.
          const onChange = listeners.get(entry.target);
          if (onChange) startTransition(() => onChange(entry.isIntersecting));
        }
      },
      { rootMargin: NEAR_MARGIN },
    );
    setNearness({
      watch(slot, onChange) {
        listeners.set(slot, onChange);
        observer.observe(slot);
        return () => {
          observer.unobserve(slot);
          listeners.delete(slot);
        };
      },
      heightOf: (slot) => (slot && heights.get(slot)) || (measured > 0 ? measuredTotal / measured : FIRST_GUESS_PX),
    });
    return () => observer.disconnect();
  }, [enabled]);
  return enabled ? nearness : undefined;
}
