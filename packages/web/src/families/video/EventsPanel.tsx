import type { VideoEditor } from '../../editor/time/video-editor.ts';
import { useVideoRecords, useVideoState } from './use-video-editor.ts';

/** The task's `events_to_annotate`: mark a point event on this frame, or a range from one frame to another. */
export function EventsPanel({ editor }: { editor: VideoEditor }) {
  const { events } = useVideoRecords(editor);
  const openRange = useVideoState(editor, (state) => state.openRange);
  const labels = editor.settings.eventLabels;
  if (labels.length === 0) return null;
  return (
    <section className="tw-events" aria-label="Events">
      <h3>Events</h3>
      <ul className="tw-event-buttons">
        {labels.map((label) => (
          <li key={label}>
            <span>{label}</span>{' '}
            <button type="button" onClick={() => editor.addPointEvent(label)}>
              Point here
            </button>{' '}
            <button type="button" aria-pressed={openRange?.label === label} onClick={() => editor.toggleRangeEvent(label)}>
              {openRange?.label === label ? `End range (from ${openRange.start})` : 'Start range'}
            </button>
          </li>
        ))}
      </ul>
      <ol className="tw-event-list">
        {events.map((event) => (
          <li key={event.id} data-event-type={event.type}>
            <button type="button" className="tw-link" onClick={() => editor.setFrame(event.start)}>
              {event.label} · {event.type === 'range' ? `frames ${event.start}–${event.end}` : `frame ${event.start}`}
            </button>{' '}
            <button type="button" aria-label={`Remove ${event.label} event`} onClick={() => editor.removeEvent(event.id)}>
              ×
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
