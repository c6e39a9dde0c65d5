/** Every task type of the wire contract (5.2), which is also the `{type}` path segment of task creation. */
export const TASK_TYPES = [
  'annotation', 'categorization', 'comparison', 'cuboidannotation', 'datacollection', 'documentmodel',
  'documenttranscription', 'imageannotation', 'laneannotation', 'lidarannotation', 'lidarlinking',
  'lidarsegmentation', 'lidartopdown', 'lineannotation', 'namedentityrecognition', 'pointannotation',
  'polygonannotation', 'segmentannotation', 'transcription', 'textcollection', 'videoannotation',
  'videoboxannotation', 'videoplaybackannotation', 'videocuboidannotation', 'sensorfusion', 'chat',
  'chatexperimental', 'chatlite', 'multichat', 'multistage', 'federal2dvideoannotation',
  // Not in Scale's published enum, but the official Node SDK (npm scaleapi 2.3.2) creates it (contract 5.2).
  'audiotranscription',
] as const;

export type TaskType = (typeof TASK_TYPES)[number];

/** The chat family: task types whose work is a conversation, and whose projects may carry a task template. */
export const CHAT_TASK_TYPES: readonly TaskType[] = ['chat', 'chatexperimental', 'chatlite', 'multichat'];

export function isTaskType(value: unknown): value is TaskType {
  return typeof value === 'string' && (TASK_TYPES as readonly string[]).includes(value);
}

