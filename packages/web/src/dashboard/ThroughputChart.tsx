import type { Throughput } from '../api/dashboard-types.ts';

const WIDTH = 720;
const HEIGHT = 200;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 40 };

/** A round axis maximum at or above `value` (1, 2, 5, 10, 20, 50, …). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function bucketLabel(iso: string, bucket: Throughput['bucket']): string {
  const date = new Date(iso);
  return bucket === 'hour'
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Tasks completed per bucket as an SVG bar chart; each bar carries its count in a tooltip and data attributes. */
export function ThroughputChart({ throughput }: { throughput: Throughput }) {
  const { points, bucket } = throughput;
  const max = niceCeiling(Math.max(0, ...points.map((point) => point.completed)));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(points.length, 1);
  const barWidth = Math.max(1, slot * 0.8);
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  const ticks = [0, max / 2, max];
  const total = points.reduce((sum, point) => sum + point.completed, 0);
  return (
    <figure className="tw-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`${total} tasks completed, per ${bucket}`}>
        {ticks.map((tick) => {
          const y = MARGIN.top + plotHeight - (tick / max) * plotHeight;
          return (
            <g key={tick} className="tw-chart-grid">
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y} y2={y} stroke="#e5e7eb" />
              <text x={MARGIN.left - 6} y={y + 4} textAnchor="end" fontSize="11" fill="#6b7280">
                {Number.isInteger(tick) ? tick : tick.toFixed(1)}
              </text>
            </g>
          );
        })}
        {points.map((point, index) => {
          const height = (point.completed / max) * plotHeight;
          const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
          return (
            <g key={point.start}>
              <rect
                data-start={point.start}
                data-completed={point.completed}
                x={x}
                y={MARGIN.top + plotHeight - height}
                width={barWidth}
                height={height}
                fill="#2563eb"
              >
                <title>{`${bucketLabel(point.start, bucket)}: ${point.completed} completed`}</title>
              </rect>
              {index % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle" fontSize="11" fill="#6b7280">
                  {bucketLabel(point.start, bucket)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="tw-hint">
        {total} completed in this range, per {bucket}.
      </figcaption>
    </figure>
  );
}
