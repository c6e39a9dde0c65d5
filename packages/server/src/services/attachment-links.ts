import type { Caller } from './account.service.ts';
import type { AttachmentLinkResolver } from './task.service.ts';
import type { AttachmentLinks } from '../presenters/task.presenter.ts';
import type { Task } from '../repositories/task.repository.ts';
import { fileIdFromAttachmentUrl, type FileService } from './file.service.ts';

/**
 * `include_attachment_url` (contract 5.9): a task whose `attachment` is a `tagwright://files/<id>`
 * of the caller's account and environment gets `attachment_url`, a signed download link; a task
 * with `attachments` gets `attachment_urls`, one entry per string attachment (a signed link for
 * server-held files, the value itself for external URLs). Tasks with only external attachments get
 * nothing. One query per page, whatever its size.
 */
export class FileAttachmentLinks implements AttachmentLinkResolver {
  constructor(private readonly files: FileService) {}

  async resolve(caller: Caller, tasks: readonly Task[]): Promise<Map<string, AttachmentLinks>> {
    const referenced = new Set<string>();
    for (const task of tasks) {
      for (const value of attachmentValues(task)) {
        const id = fileIdFromAttachmentUrl(value);
        if (id) referenced.add(id);
      }
    }
    const links = new Map<string, AttachmentLinks>();
    if (referenced.size === 0) return links;
    const ready = await this.files.readyFileIds(caller, [...referenced]);
    const signed = await this.files.signedFileUrls([...ready]);
    const linkOf = (value: string) => {
      const id = fileIdFromAttachmentUrl(value);
      return id && ready.has(id) ? signed.get(id) : undefined;
    };
    for (const task of tasks) {
      const result: AttachmentLinks = {};
      const single = task.params.attachment;
      if (typeof single === 'string' && linkOf(single)) result.attachment_url = linkOf(single);
      const many = task.params.attachments;
      if (Array.isArray(many)) {
        const strings = many.filter((value): value is string => typeof value === 'string');
        if (strings.some((value) => linkOf(value))) result.attachment_urls = strings.map((value) => linkOf(value) ?? value);
      }
      if (result.attachment_url !== undefined || result.attachment_urls !== undefined) links.set(task.id, result);
    }
    return links;
  }
}

function attachmentValues(task: Task): string[] {
  const values: string[] = [];
  if (typeof task.params.attachment === 'string') values.push(task.params.attachment);
  if (Array.isArray(task.params.attachments)) for (const value of task.params.attachments) if (typeof value === 'string') values.push(value);
  return values;
}
