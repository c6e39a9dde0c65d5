import type { Project, ParamVersion } from '../repositories/project.repository.ts';
import { InvalidRequest } from '../domain/errors.ts';
import { isPlainObject, readIndexedString, readIndexedStringArray, readInteger, readString } from '../domain/lenient.ts';
import { readCallbackTarget } from '../domain/callback-target.ts';

/**
 * Reading a task-creation body (contract 4.1.1) and merging in project parameters (4.3.2). Shared
 * by customer tasks and by evaluation and training tasks.
 */

/** Keys that sit at the top level of the task object; everything else goes to `params` as sent. */
const COMMON_KEYS = new Set(['project', 'batch', 'callback_url', 'instruction', 'unique_id', 'metadata', 'tags', 'priority', 'project_version']);
/** Keys of a project parameter set that are never copied into a task (4.3.2 rule 2). */
const NOT_INHERITED = new Set(['version', 'created_at', 'instruction', 'unique_id', 'project', 'batch', 'project_version', 'patch']);
export const TASK_PRIORITIES = [10, 20, 30] as const;
/** Separator between the task's and the project's instruction (Tagwright decision). */
export const INSTRUCTION_SEPARATOR = '\n\n';

/** Where the request places the task: project and batch names and the parameter version to inherit. */
export interface TaskPlacement {
  project?: string;
  batch?: string;
  /** undefined: latest version; -1: inherit nothing. */
  projectVersion?: number;
}

/** The task's fields after inheritance, ready to store. */
export interface TaskFields {
  instruction: string | null;
  params: Record<string, unknown>;
  /** Explicit (or inherited) callback target; undefined lets the account default apply. */
  callbackUrl: string | undefined;
  uniqueId: string | null;
  metadata: Record<string, unknown>;
  tags: string[] | null;
  priority: number | null;
  projectParamVersion: number | null;
}

/** Reads `project`, `batch` and `project_version`, the fields needed before the project is known. */
export function readPlacement(body: Record<string, unknown>): TaskPlacement {
  const project = readString(body.project, 'project');
  const batch = readString(body.batch, 'batch');
  const projectVersion = readInteger(body.project_version, 'project_version');
  if (projectVersion !== undefined && projectVersion < -1) {
    throw new InvalidRequest("Invalid value for 'project_version': use a version number of the project's param_history, or -1 to inherit nothing.");
  }
  return {
    project: project === '' ? undefined : project,
    batch: batch === '' ? undefined : batch,
    projectVersion,
  };
}

/** The unique_id of a request, read before anything else so that a duplicate is refused without side effects. */
export function readUniqueId(value: unknown): string | undefined {
  const uniqueId = readIndexedString(value, 'unique_id');
  if (uniqueId === undefined) return undefined;
  if (uniqueId.trim() === '') throw new InvalidRequest("Invalid value for 'unique_id': expected a non-empty string.");
  return uniqueId;
}

/** The parameter set chosen by `project_version` (4.3.2 rule 1): latest, version N (400 if none), or none for -1. */
export function chooseParamVersion(project: Project, projectVersion: number | undefined): ParamVersion | undefined {
  if (projectVersion === -1) return undefined;
  if (projectVersion === undefined) return project.param_history.at(-1);
  const entry = project.param_history.find((candidate) => candidate.version === projectVersion);
  if (!entry) {
    const versions = project.param_history.map((candidate) => candidate.version);
    throw new InvalidRequest(
      `Invalid value for 'project_version': project "${project.name}" has no parameter version ${projectVersion}` +
        (versions.length > 0 ? ` (it has ${versions.join(', ')}).` : ' (it has no parameters).'),
    );
  }
  return entry;
}

/**
 * Merges the chosen project parameters into the request (task values win; the project's
 * instruction is appended after the task's) and splits the result into stored fields.
 */
export function buildTaskFields(body: Record<string, unknown>, entry: ParamVersion | undefined): TaskFields {
  const merged: Record<string, unknown> = { ...body };
  if (entry) {
    for (const [key, value] of Object.entries(entry)) {
      if (!NOT_INHERITED.has(key) && !(key in body)) merged[key] = value;
    }
  }
  const taskInstruction = readString(body.instruction, 'instruction');
  const projectInstruction = entry && typeof entry.instruction === 'string' && entry.instruction !== '' ? entry.instruction : undefined;
  const instruction = [taskInstruction, projectInstruction].filter((part) => part !== undefined && part !== '').join(INSTRUCTION_SEPARATOR);

  if (merged.metadata !== undefined && merged.metadata !== null && !isPlainObject(merged.metadata)) {
    throw new InvalidRequest("Invalid value for 'metadata': expected a JSON object.");
  }
  const priority = readInteger(merged.priority, 'priority');
  if (priority !== undefined && !(TASK_PRIORITIES as readonly number[]).includes(priority)) {
    throw new InvalidRequest(`Invalid value for 'priority': ${priority}. Use 10, 20 or 30 (a higher number is more urgent).`);
  }
  const tags = readIndexedStringArray(merged.tags, 'tags');

  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(merged)) if (!COMMON_KEYS.has(key)) params[key] = value;

  return {
    instruction: instruction === '' ? null : instruction,
    params,
    callbackUrl: readCallbackTarget(merged.callback_url, 'callback_url'),
    uniqueId: readUniqueId(body.unique_id) ?? null,
    metadata: (merged.metadata as Record<string, unknown> | undefined | null) ?? {},
    tags: tags === undefined ? null : dedupe(tags),
    priority: priority ?? null,
    projectParamVersion: entry ? entry.version : null,
  };
}

/** Drops repeated values, keeping each first occurrence in order. */
export function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}
