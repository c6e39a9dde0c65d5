import type { StatusCounts } from '../api/dashboard-types.ts';

const SEGMENTS = [
  { key: 'completed', label: 'completed', color: '#16a34a' },
  { key: 'error', label: 'error', color: '#dc2626' },
  { key: 'canceled', label: 'canceled', color: '#9ca3af' },
  { key: 'pending', label: 'pending', color: '#dbeafe' },
] as const;

/** A stacked bar of a project's or batch's tasks by status, with the share done as text. */
export function ProgressBar({ counts }: { counts: StatusCounts }) {
  const finished = counts.completed + counts.error + counts.canceled;
  const description = SEGMENTS.map((segment) => `${counts[segment.key]} ${segment.label}`).join(', ');
  return (
    <div className="tw-progress" role="meter" aria-valuemin={0} aria-valuemax={counts.total} aria-valuenow={finished} aria-label={description} title={description}>
      <div className="tw-progress-track">
        {counts.total > 0 &&
          SEGMENTS.map((segment) =>
            counts[segment.key] > 0 ? (
              <span
                key={segment.key}
                data-status={segment.key}
                style={{ width: `${(counts[segment.key] / counts.total) * 100}%`, background: segment.color }}
              />
            ) : null,
          )}
      </div>
      <span className="tw-progress-text">
        {counts.completed}/{counts.total} done{counts.error > 0 ? ` · ${counts.error} error` : ''}
      </span>
    </div>
  );
}
