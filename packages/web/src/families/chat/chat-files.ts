import { createContext } from 'react';
import type { UploadedChatFile } from '../../api/types.ts';

/** Uploads one file for the file question `key` of the task being worked on (docs/chat.md, File questions). */
export type ChatFileUploader = (key: string, file: File, onProgress: (fraction: number) => void) => { done: Promise<UploadedChatFile>; abort: () => void };

/**
 * The editor's uploader, for the file widgets deep in the turn list. Absent where nothing can be
 * uploaded (a task shown for review, the dashboard's preview): the widgets then only list files.
 */
export const ChatFilesContext = createContext<ChatFileUploader | undefined>(undefined);

/**
 * Signed preview links of the files uploaded in this page, by the url stored in the answer. The
 * answer's url needs an API key, which the browser does not have; the signed link lasts hours, so
 * it is kept for the page's life only and never saved.
 */
export const previewLinks = new Map<string, string>();

/**
 * Where the editor can show a file of an answer from, by its stored url (this server's
 * `/v1/files/<id>/content`): the lease holder's preview route, for files restored from a draft.
 */
export type ChatFilePreview = (url: string) => string | undefined;

export const ChatFilePreviewContext = createContext<ChatFilePreview | undefined>(undefined);

/** The file id of one of this server's file URLs, else undefined. */
export function fileIdOfUrl(url: string): string | undefined {
  return /\/v1\/files\/([A-Za-z0-9_-]+)\/content$/.exec(url)?.[1];
}
