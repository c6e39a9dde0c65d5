/**
 * Wire types. Field names are exactly what the API sends (snake_case, as the Scale contract spells
 * them); enumerations carry the Python SDK's member names.
 */

type ValueOf<T> = T[keyof T];
export type JsonObject = Record<string, unknown>;
/** A timestamp in a request: a Date, or a string the server parses (`2024-05-01`, ISO 8601). */
export type Timestamp = Date | string;

// ---------------------------------------------------------------- enumerations

export const TaskType = {
  Annotation: 'annotation',
  Categorization: 'categorization',
  Comparison: 'comparison',
  CuboidAnnotation: 'cuboidannotation',
  DataCollection: 'datacollection',
  DocumentModel: 'documentmodel',
  DocumentTranscription: 'documenttranscription',
  ImageAnnotation: 'imageannotation',
  LaneAnnotation: 'laneannotation',
  LidarAnnotation: 'lidarannotation',
  LidarLinking: 'lidarlinking',
  LidarSegmentation: 'lidarsegmentation',
  LidarTopdown: 'lidartopdown',
  LineAnnotation: 'lineannotation',
  NamedEntityRecognition: 'namedentityrecognition',
  PointAnnotation: 'pointannotation',
  PolygonAnnotation: 'polygonannotation',
  SegmentAnnotation: 'segmentannotation',
  Transcription: 'transcription',
  TextCollection: 'textcollection',
  VideoAnnotation: 'videoannotation',
  VideoBoxAnnotation: 'videoboxannotation',
  VideoPlaybackAnnotation: 'videoplaybackannotation',
  VideoCuboidAnnotation: 'videocuboidannotation',
  SensorFusion: 'sensorfusion',
  Chat: 'chat',
  ChatExperimental: 'chatexperimental',
  ChatLite: 'chatlite',
  MultiChat: 'multichat',
  MultiStage: 'multistage',
  Federal2dVideoAnnotation: 'federal2dvideoannotation',
  // Not in Scale's published enum; the official Node SDK creates it (contract 5.2).
  AudioTranscription: 'audiotranscription',
} as const;
export type TaskType = ValueOf<typeof TaskType>;

export const TaskStatus = { Pending: 'pending', Completed: 'completed', Canceled: 'canceled', Error: 'error' } as const;
export type TaskStatus = ValueOf<typeof TaskStatus>;

export const TaskReviewStatus = {
  Pending: 'pending',
  Accepted: 'accepted',
  Fixed: 'fixed',
  Commented: 'commented',
  Rejected: 'rejected',
} as const;
export type TaskReviewStatus = ValueOf<typeof TaskReviewStatus>;

export const BatchStatus = {
  Staging: 'staging',
  InProgress: 'in_progress',
  Completed: 'completed',
  Paused: 'paused',
  Cancelled: 'cancelled',
} as const;
export type BatchStatus = ValueOf<typeof BatchStatus>;

export const TeammateRole = { Labeler: 'labeler', Member: 'member', Manager: 'manager', Admin: 'admin' } as const;
export type TeammateRole = ValueOf<typeof TeammateRole>;

export const TaskPriority = { Low: 10, Normal: 20, High: 30 } as const;
export type TaskPriority = ValueOf<typeof TaskPriority>;

// ---------------------------------------------------------------- task parameters and responses

// Each family's shapes are written once, in @tagwright/formats (packages/formats/src/<family>/), and
// shared with the server and the workbench. Type-only imports: the SDK keeps no runtime dependency.
export type {
  CommonTaskParams,
  LabelDescription,
  GeometryOptions,
  BoxGeometryOptions,
  LineGeometryOptions,
  ImageAnnotationGeometries,
  ImageAnnotationParams,
  LegacyImageParams,
  CategorizationParams,
  TextCollectionField,
  TextCollectionParams,
  TranscriptionParams,
  NamedEntityRecognitionParams,
  ComparisonParams,
  DocumentTranscriptionParams,
  Vertex,
  BoxAnnotation,
  VertexAnnotation,
  PointAnnotation,
  EllipseAnnotation,
  ImageAnnotationShape,
  ImageAnnotationResponse,
  CategorizationResponse,
  TextCollectionAnswer,
  TextCollectionResponse,
  TranscriptionResponse,
  EntityAnnotation,
  NamedEntityRecognitionResponse,
  ComparisonResponse,
  DocumentTranscriptionEntry,
  DocumentTranscriptionResponse,
} from '@tagwright/formats';
import type {
  CommonTaskParams,
  ImageAnnotationParams,
  ImageAnnotationResponse,
  CategorizationParams,
  CategorizationResponse,
  TextCollectionParams,
  TextCollectionResponse,
  TranscriptionParams,
  TranscriptionResponse,
  NamedEntityRecognitionParams,
  NamedEntityRecognitionResponse,
  ComparisonParams,
  ComparisonResponse,
  DocumentTranscriptionParams,
  DocumentTranscriptionResponse,
} from '@tagwright/formats';

export interface SegmentAnnotationParams extends CommonTaskParams {
  attachment_type?: 'image';
  labels: Array<string | { choice: string; [key: string]: unknown }>;
  instance_labels?: string[];
  allow_unlabeled?: boolean;
}

export interface SegmentAnnotationResponse {
  annotations?: unknown;
  labelMapping?: JsonObject;
  [key: string]: unknown;
}

/** Parameters and response shape per task type; types not listed use the common shapes. */
export interface TaskTypeMap {
  imageannotation: { params: ImageAnnotationParams; response: ImageAnnotationResponse };
  categorization: { params: CategorizationParams; response: CategorizationResponse };
  textcollection: { params: TextCollectionParams; response: TextCollectionResponse };
  transcription: { params: TranscriptionParams; response: TranscriptionResponse };
  datacollection: { params: TranscriptionParams; response: TranscriptionResponse };
  namedentityrecognition: { params: NamedEntityRecognitionParams; response: NamedEntityRecognitionResponse };
  comparison: { params: ComparisonParams; response: ComparisonResponse };
  documenttranscription: { params: DocumentTranscriptionParams; response: DocumentTranscriptionResponse };
  segmentannotation: { params: SegmentAnnotationParams; response: SegmentAnnotationResponse };
}
export type TaskParamsFor<T extends string> = T extends keyof TaskTypeMap ? TaskTypeMap[T]['params'] : CommonTaskParams;
export type TaskResponseFor<T extends string> = T extends keyof TaskTypeMap ? TaskTypeMap[T]['response'] : JsonObject;

// ---------------------------------------------------------------- task objects

export interface TaskAudit {
  audit_result: 'accepted' | 'rejected' | 'fixed' | 'commented';
  audited_by: string;
  audited_at: string;
  audit_time_secs: number;
  audit_source: 'customer' | 'internal';
  comments?: string;
}

/** The v1 task object (contract 5.1). Optional fields are absent, never null. */
export interface Task<R = JsonObject> {
  task_id: string;
  type: TaskType | (string & {});
  status: TaskStatus;
  project: string;
  batch?: string;
  created_at: string;
  updated_at: string;
  completed_at?: string;
  instruction?: string;
  params: JsonObject;
  callback_url?: string;
  callback_succeeded?: boolean;
  callback_completed?: boolean;
  response?: R;
  metadata: JsonObject;
  unique_id?: string;
  tags?: string[];
  priority?: number;
  project_param_version?: number;
  customer_review_status?: TaskReviewStatus;
  customer_review_comments?: string[];
  prior_responses?: R[];
  audits?: TaskAudit[];
  /** Signed download URL of a server-held attachment, with `includeAttachmentUrl`. */
  attachment_url?: string;
  attachment_urls?: string[];
}

/** A task in a `limitedResponse` list: only these keys. */
export interface LimitedTask {
  task_id: string;
  status: TaskStatus;
  metadata: JsonObject;
  project: string;
  otherVersion?: unknown;
}

/** Evaluation and training tasks answer with `id`, not `task_id` (contract 4.5). */
export interface QualityTask {
  id: string;
  expected_response: JsonObject | null;
  initial_response?: JsonObject;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- batches, projects, files, teams, studio

export interface Batch {
  id: string;
  name: string;
  project: string;
  status: BatchStatus;
  created_at: string;
  metadata: JsonObject;
  callback?: string;
  completed_at?: string;
  calibration_batch?: boolean;
  self_label_batch?: boolean;
  priority?: number;
  /** With `detailed: true` in a list: counts by task status. */
  pending?: number;
  completed?: number;
  error?: number;
  canceled?: number;
}

/** `GET batches/{name}/status`: counts under both spellings. */
export interface BatchStatusCounts {
  status: BatchStatus;
  pending: number;
  completed: number;
  error: number;
  canceled: number;
  tasks_pending: number;
  tasks_completed: number;
  tasks_error: number;
  tasks_canceled: number;
}

export interface ParamHistoryEntry {
  version: number;
  created_at: string;
  instruction?: string;
  [param: string]: unknown;
}

export interface Project {
  name: string;
  type: TaskType | (string & {});
  param_history: ParamHistoryEntry[];
  created_at: string;
  id?: string;
  rapid?: boolean;
  studio?: boolean;
  archived?: boolean;
  pipeline?: 'standard_task' | 'consensus_task';
  consensus_attempts?: number;
}

export interface ProjectTemplate {
  id: string;
  version: number;
  created_at: string;
  updated_at: string;
  template_variables: JsonObject;
  response_schema?: JsonObject;
  auto_onboard_enabled?: boolean;
}

export interface FileObject {
  id: string;
  /** Put this in a task's `attachment`. */
  attachment_url: string;
  created_at?: string;
  updated_at?: string;
  mime_type?: string;
  size?: number;
  project_names?: string[];
  display_name?: string;
  [key: string]: unknown;
}

export interface Teammate {
  email: string;
  role: TeammateRole;
  company?: string;
  firstName?: string;
  lastName?: string;
  isStudioLabeler?: boolean;
  expiry?: string;
  /** Tagwright: the one-time sign-up token of a teammate just invited, in the invite answer only. */
  inviteToken?: string;
}

/** Email to the names of the projects assigned to it. */
export type StudioAssignments = Record<string, string[]>;

export interface StudioProjectGroup {
  id: string;
  name: string;
  numWorkers: number;
  isSingleton: boolean;
  workers?: Array<{ id: string; email: string }>;
}

export interface StudioBatch {
  id: string;
  name: string;
  projectId: string;
  projectName: string;
  batchType: string;
  studioPriority?: number;
  total: number;
  completed: number;
  groups: unknown[];
}

// ---------------------------------------------------------------- v2

export const V2TaskStatus = { ...TaskStatus, Deleted: 'deleted' } as const;
export type V2TaskStatus = ValueOf<typeof V2TaskStatus>;
export type V2Expand = 'project' | 'batch';

export interface V2Project {
  id: string;
  name: string;
  created_at: string;
  types?: string[];
  models?: unknown[];
}

export interface V2Batch {
  id: string;
  name: string;
  project: string | V2Project;
  created_at: string;
  status: BatchStatus;
  metadata: JsonObject;
  completed_at?: string;
  callback?: string;
}

export interface V2ErrorDetail {
  type?: 'UNSUPPORTED_LANGUAGE' | 'LANGUAGE_MISMATCH' | 'PROMPT_LENGTH_EXCEEDED' | 'INVALID_CATEGORY' | 'PROMPT_INFEASIBLE';
  message?: string;
}

export interface V2Annotation {
  id: string;
  key: string;
  type: string;
  title?: string;
  description?: string;
  labels?: string[];
  value?: unknown;
  possible_values?: unknown[];
  metadata?: JsonObject;
  [key: string]: unknown;
}

export interface V2Thread {
  id: string;
  turns: unknown[];
  annotations: V2Annotation[];
  submissions?: unknown[];
}

export interface V2Task {
  task_id: string;
  project: string | V2Project;
  status: V2TaskStatus;
  created_at: string;
  batch?: string | V2Batch;
  completed_at?: string;
  metadata?: JsonObject;
  threads?: V2Thread[];
  errors?: V2ErrorDetail[];
  sensitive_content_reports?: unknown[];
}

export interface V2Delivery {
  id: string;
  name: string;
  task_count: number;
  delivered_at: string;
  project: string | V2Project;
}

export interface V2DeliveryTask {
  task_id: string;
  created_at?: string;
  delivery_id?: string;
  delivered_at?: string;
  response_schema_id?: string;
  response?: unknown;
}

/** Answer of v2 pause, resume and cancel. */
export interface V2BatchOperationResult {
  batch?: V2Batch;
  message?: string;
}

export interface V2Dataset {
  id: string;
  name: string;
}

export interface V2DatasetTask {
  task_id: string;
  dataset: unknown;
  delivery: unknown;
  response: unknown;
}
