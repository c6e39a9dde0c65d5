import type { AttributeValue } from '../types.ts';

/** One index of the mask: a whole non-instance label, or one instance of an instance label. */
export interface SegmentRecord {
  id: string;
  /** Creation order (instances of a label are numbered in it). */
  index: number;
  kind: 'segment';
  /** The value its pixels hold in the editor's raster; stable for the segment's life. */
  value: number;
  label: string;
  instance: boolean;
  color: string;
  attributes: Readonly<Record<string, AttributeValue>>;
}
