import { knownFrameCount, videoSource, videoTiming, type VideoSource } from '@tagwright/formats';
import type { VideoSettings } from '../../editor/time/video-editor.ts';
import { draftFromAnnotationFile } from '../../editor/time/video-file.ts';

/** What the video family needs of a task, from the workbench or the dashboard. */
export interface VideoTaskLike {
  type: string;
  params: Record<string, unknown>;
  attachment_url?: string;
  attachment_urls?: string[];
}

/** The file beside a rendered response's annotation file that holds the labeler's keyframes. */
const KEYFRAMES_FILE = 'keyframes.json';

/** The timeline settings a task's params give. */
export function videoSettingsOf(task: VideoTaskLike): VideoSettings {
  const timing = videoTiming(task.params);
  const known = knownFrameCount(task.type, task.params);
  const eventLabels = Array.isArray(task.params.events_to_annotate) ? task.params.events_to_annotate.filter((label): label is string => typeof label === 'string') : [];
  return { frameCount: known ?? 1, knownFrameCount: known, frameRate: timing.frameRate, startTime: timing.startTime, eventLabels };
}

/** The frames or the video to show, with the browser-loadable URLs the server handed out. */
export function sourceOf(task: VideoTaskLike): VideoSource | undefined {
  const source = videoSource(task.type, task.params);
  if (source?.kind === 'frames') return { kind: 'frames', urls: source.urls.map((url, index) => task.attachment_urls?.[index] || url) };
  if (source?.kind === 'video') return { kind: 'video', url: task.attachment_url ?? source.url };
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

async function fetchJson(url: string): Promise<unknown> {
  const answer = await fetch(url, { credentials: 'same-origin' });
  if (!answer.ok) throw new Error(`${url} answered ${answer.status}`);
  return answer.json();
}

/**
 * What the editor starts from: a saved draft (keyframes) as it is; a rendered response (a fix or a
 * review) from the keyframes file beside its annotation file, else from the annotation file itself;
 * else the task's `hypothesis` file. Throws when a file cannot be fetched.
 */
export async function startingDraft(task: VideoTaskLike, initialResponse: unknown): Promise<unknown> {
  if (isObject(initialResponse) && Array.isArray(initialResponse.tracks)) return initialResponse;
  const settings = videoSettingsOf(task);
  const timing = videoTiming(task.params);
  const renderedUrl = isObject(initialResponse) && isObject(initialResponse.annotations) ? initialResponse.annotations.url : undefined;
  if (typeof renderedUrl === 'string') {
    try {
      return await fetchJson(renderedUrl.replace(/[^/]+$/, KEYFRAMES_FILE));
    } catch {
      return draftFromAnnotationFile(await fetchJson(renderedUrl), settings.knownFrameCount, timing);
    }
  }
  const hypothesis = isObject(task.params.hypothesis) && isObject(task.params.hypothesis.annotations) ? task.params.hypothesis.annotations.url : undefined;
  if (typeof hypothesis === 'string') return draftFromAnnotationFile(await fetchJson(hypothesis), settings.knownFrameCount, timing);
  return undefined;
}

/** The read-only overlay of `layers.url`: one Layers object per frame (§1.3). */
export async function loadLayers(task: VideoTaskLike): Promise<unknown[] | undefined> {
  const url = isObject(task.params.layers) ? task.params.layers.url : undefined;
  if (typeof url !== 'string') return undefined;
  const file = await fetchJson(url);
  return Array.isArray(file) ? file : undefined;
}
