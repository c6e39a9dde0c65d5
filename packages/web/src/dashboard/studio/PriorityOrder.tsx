import { useEffect, useState } from 'react';
import type { StudioApi, StudioBatch } from '../../api/studio.ts';
import type { Run } from './run.ts';

/** Moves the item at `from` to `to` (both clamped to the list), returning a new list. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const target = Math.max(0, Math.min(items.length - 1, to));
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item);
  return next;
}

/** The priority order of every pending Studio batch of the account, edited as a draft and saved as a whole. */
export function PriorityOrder({ studio, project, batches, run, onChange }: { studio: StudioApi; project: string; batches: StudioBatch[]; run: Run; onChange: (batches: StudioBatch[]) => void }) {
  const [order, setOrder] = useState<StudioBatch[]>(batches);
  // A new answer from the server replaces the draft order only when it lists other batches or another order,
  // so ticking a batch's groups does not undo an unsaved reordering.
  const serverOrder = batches.map((batch) => batch.id).join(' ');
  useEffect(() => setOrder(batches), [serverOrder]); // eslint-disable-line react-hooks/exhaustive-deps
  const changed = order.some((batch, index) => batch.id !== batches[index]?.id);
  const explicit = batches.some((batch) => batch.studio_priority !== undefined);

  const save = async () => {
    const answer = await run(() => studio.setPriorities(order.map((batch) => batch.name)), 'Saved the priority order.');
    if (answer) onChange(answer);
  };
  const reset = async () => {
    const answer = await run(() => studio.resetPriorities(), 'Back to the default order: oldest batch first.');
    if (answer) onChange(answer);
  };

  return (
    <div className="tw-card">
      <div className="tw-card-header">
        <h2>Priority order of all Studio batches</h2>
        <button type="button" className="tw-primary" disabled={!changed} onClick={() => void save()}>
          Save order
        </button>
        <button type="button" onClick={() => void reset()} disabled={!explicit && !changed}>
          Reset to oldest first
        </button>
      </div>
      <p className="tw-hint">
        Labelers get tasks of the first batch before the next. The order covers every pending Studio batch of every project; {explicit ? 'it was set by hand' : 'it is the default (oldest first)'}.
      </p>
      {order.length === 0 ? (
        <p>No pending Studio batches.</p>
      ) : (
        <table className="tw-table" aria-label="Priority order">
          <thead>
            <tr>
              <th>Place</th>
              <th>Batch</th>
              <th>Project</th>
              <th>Done</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {order.map((batch, index) => (
              <tr key={batch.id} data-batch={batch.name} className={batch.project === project ? 'tw-highlight' : undefined}>
                <td>
                  <PlaceInput name={batch.name} place={index + 1} max={order.length} onMove={(place) => setOrder(moveItem(order, index, place - 1))} />
                </td>
                <td>{batch.name}</td>
                <td>{batch.project}</td>
                <td>
                  {batch.completed}/{batch.total}
                </td>
                <td>
                  <button type="button" aria-label={`Move ${batch.name} up`} disabled={index === 0} onClick={() => setOrder(moveItem(order, index, index - 1))}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move ${batch.name} down`} disabled={index === order.length - 1} onClick={() => setOrder(moveItem(order, index, index + 1))}>
                    ↓
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A batch's place as a number; typing another place and leaving the field (or Enter) moves the batch there. */
function PlaceInput({ name, place, max, onMove }: { name: string; place: number; max: number; onMove: (place: number) => void }) {
  const [text, setText] = useState(String(place));
  useEffect(() => setText(String(place)), [place]);
  const commit = () => {
    const wanted = Number.parseInt(text, 10);
    if (Number.isInteger(wanted) && wanted >= 1 && wanted !== place) onMove(Math.min(wanted, max));
    else setText(String(place));
  };
  return (
    <input
      type="number"
      className="tw-place"
      aria-label={`Place of ${name}`}
      min={1}
      max={max}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          commit();
        }
      }}
    />
  );
}
