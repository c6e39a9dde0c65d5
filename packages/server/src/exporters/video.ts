import type { VideoSubmission } from '@tagwright/formats';
import { taskFromStored, type StoredTask, type Task } from '../repositories/task.repository.ts';
import { VIDEO_TASK_TYPES } from '@tagwright/formats';
import { readStoredKeyframes } from '../families/video/stored.ts';
import { frameJsonLines, motCounts, motLines, motSequenceInfo } from '../families/video/exports.ts';
import type { ResultReader } from '../families/types.ts';
import { emptyStats, inPieces, type ExportStats, type ExporterOptions, type FileSetExporter, type StreamExporter } from './types.ts';

/**
 * The completed video tasks of a page with the keyframes behind their responses (read from the
 * file store beside the annotation file; one task's keyframes in memory at a time). Other tasks
 * are counted as skipped.
 */
async function* videoTasksOf(pages: AsyncIterable<StoredTask[]>, results: ResultReader | undefined, stats: ExportStats): AsyncGenerator<{ task: Task; keyframes: VideoSubmission }> {
  for await (const page of pages) {
    for (const row of page) {
      stats.tasks += 1;
      const keyframes = (VIDEO_TASK_TYPES as readonly string[]).includes(row.type) && row.response && results ? await readStoredKeyframes(results, JSON.parse(row.response)) : undefined;
      if (!keyframes) {
        stats.skippedTasks += 1;
        continue;
      }
      stats.images += 1;
      yield { task: taskFromStored(row), keyframes };
    }
  }
}

/**
 * MOT Challenge: a folder per video task, `<task id>/gt/gt.txt` (box tracks, one line per box per
 * frame, interpolated) and `<task id>/seqinfo.ini`. Tracks of other geometries are skipped shapes.
 */
export function motExporter(options: ExporterOptions = {}): FileSetExporter {
  const stats = emptyStats();
  return {
    kind: 'files',
    stats,
    async *entries(pages) {
      for await (const { task, keyframes } of videoTasksOf(pages, options.results, stats)) {
        const counts = motCounts(keyframes);
        stats.annotations += counts.boxes;
        stats.skippedShapes += counts.others;
        const path = `${task.id}/gt/gt.txt`;
        // An empty entry first, so a video with no boxes still gets its (empty) file.
        yield { kind: 'line', path, content: '' };
        for (const piece of inPieces(motLines(keyframes))) yield { kind: 'line', path, content: piece };
        yield { kind: 'file', path: `${task.id}/seqinfo.ini`, content: motSequenceInfo(task.id, keyframes, task.params) };
      }
    },
  };
}

/** Per-frame JSON Lines: one line per annotation frame of each video task, with its interpolated shapes. */
export function videoFramesExporter(options: ExporterOptions = {}): StreamExporter {
  const stats = emptyStats();
  return {
    kind: 'stream',
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'jsonl',
    stats,
    async *write(pages) {
      for await (const { task, keyframes } of videoTasksOf(pages, options.results, stats)) {
        stats.annotations += keyframes.tracks.length;
        yield* inPieces(frameJsonLines(task.id, keyframes, task.params));
      }
    },
  };
}
