import type { ChatThread } from '@tagwright/formats';
import type { StoredTask, Task } from '../repositories/task.repository.ts';
import type { ResultReader } from '../families/types.ts';

/** Reads the stored conversations of a page of tasks (completed chat tasks; others have none). */
export type ConversationReader = (tasks: ReadonlyArray<Pick<Task, 'id' | 'type' | 'status'>>) => Promise<Map<string, ChatThread[]>>;

/** Every export format (docs/import-export.md). */
export const EXPORT_FORMATS = ['jsonl', 'csv', 'coco', 'yolo', 'yolo-obb', 'voc', 'masks', 'mot', 'video-frames', 'chat-preference', 'chat-sft'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExporterOptions {
  /** Image size for tasks whose metadata gives none (YOLO needs it to normalise; COCO and VOC record it). */
  imageSize?: { width: number; height: number };
  /** Where COCO keeps its images list until the annotations are written (default: the system temp folder). */
  tempDir?: string;
  /** Reads result files (segmentation masks) by URL; without it, tasks whose answers are files export no objects. */
  results?: ResultReader;
  /** Reads chat tasks' stored conversations, for the chat training formats. */
  conversations?: ConversationReader;
}

/** What an export wrote, for its summary. */
export interface ExportStats {
  /** Tasks read. */
  tasks: number;
  /** Images written (image formats): tasks with an image geometry type. */
  images: number;
  /** Boxes and polygons written (image formats). */
  annotations: number;
  /** Tasks left out by an image format because their type has no image geometry. */
  skippedTasks: number;
  /** Lines, points and cuboids, which the image formats cannot hold. */
  skippedShapes: number;
  /** Image tasks without a known image size (YOLO writes no label file for them). */
  missingSize: number;
  /** Records written by the chat training formats (threads, or preference pairs). */
  records: number;
}

/**
 * Longest piece of text an exporter hands on at once, in characters. Longer strings are allocated by
 * V8 in its large-object space, which only a full collection frees: pieces of a whole page each made
 * the heap, and the peak RSS, grow with the length of the export.
 */
export const PIECE_CHARS = 32 * 1024;

/** Joins small strings into pieces of about PIECE_CHARS, for writers that produce many short lines. */
export function* inPieces(parts: Iterable<string>): Generator<string> {
  let text = '';
  for (const part of parts) {
    text += part;
    if (text.length >= PIECE_CHARS) {
      yield text;
      text = '';
    }
  }
  if (text !== '') yield text;
}

export function emptyStats(): ExportStats {
  return { tasks: 0, images: 0, annotations: 0, skippedTasks: 0, skippedShapes: 0, missingSize: 0, records: 0 };
}

/** A format that writes one stream: a file, standard output, or an HTTP response. */
export interface StreamExporter {
  kind: 'stream';
  contentType: string;
  extension: string;
  stats: ExportStats;
  /** The output, in pieces, as the pages are read. */
  write(pages: AsyncIterable<StoredTask[]>): AsyncGenerator<string | Buffer>;
}

/** A whole file of a file-set export (text, or bytes such as a PNG mask), or one line appended to a file that grows through the export (a manifest). */
export type ExportEntry = { kind: 'file'; path: string; content: string | Buffer } | { kind: 'line'; path: string; content: string };

/** A format that writes many files: a folder, or a tar stream of it. */
export interface FileSetExporter {
  kind: 'files';
  stats: ExportStats;
  entries(pages: AsyncIterable<StoredTask[]>): AsyncGenerator<ExportEntry>;
}

export type Exporter = StreamExporter | FileSetExporter;
