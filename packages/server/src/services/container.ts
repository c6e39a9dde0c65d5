import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { AccountRepository } from '../repositories/account.repository.ts';
import { UserRepository } from '../repositories/user.repository.ts';
import { AccountService } from './account.service.ts';
import { SessionRepository } from '../repositories/session.repository.ts';
import { SessionService } from './session.service.ts';
import { StudioRepository } from '../repositories/studio.repository.ts';
import { StudioService } from './studio.service.ts';
import { ProjectRepository } from '../repositories/project.repository.ts';
import { BatchRepository } from '../repositories/batch.repository.ts';
import { ProjectService } from './project.service.ts';
import { BatchService } from './batch.service.ts';
import { FileRepository } from '../repositories/file.repository.ts';
import { SettingsRepository } from '../repositories/settings.repository.ts';
import { createFileStore } from '../storage/create-file-store.ts';
import { FileService } from './file.service.ts';
import { FileAttachmentLinks } from './attachment-links.ts';
import { TeamService } from './team.service.ts';
import { PublicUrl } from './public-url.ts';
import { OutboxRepository } from '../repositories/outbox.repository.ts';
import { CallbackSubjectRepository } from '../repositories/callback-subject.repository.ts';
import { CallbackService } from './callback.service.ts';
import { TaskLifecycle, chainRecorders } from './task-lifecycle.ts';
import { ResultRenderer } from './result-renderer.ts';
import { readResultFile } from '../storage/result-files.ts';
import type { FileStore } from '../storage/file-store.ts';
import { TaskService } from './task.service.ts';
import { QualityTaskService } from './quality-task.service.ts';
import { V2References } from './v2-references.ts';
import { V2TaskService } from './v2-task.service.ts';
import { BatchControlService } from './batch-control.service.ts';
import { DeliveryService } from './delivery.service.ts';
import { QueueService } from './queue.service.ts';
import { ReviewService } from './review.service.ts';
import { DashboardRepository } from '../repositories/dashboard.repository.ts';
import { DashboardService } from './dashboard.service.ts';
import { TaskImportService } from './task-import.service.ts';
import { TaskExportService } from './task-export.service.ts';
import { SmtpMailer } from '../outbound/mailer.ts';
import { TeamMailer } from './team-mail.ts';
import { PasswordResetRequestRepository } from '../repositories/password-reset-request.repository.ts';
import { PasswordResetService } from './password-reset.service.ts';
import { ChatConversationService, TRAINING_OPTS } from './chat-conversation.service.ts';
import { DatasetService } from './dataset.service.ts';
import { ResponseSchemaService } from './response-schema.service.ts';
import { ChatFileService } from './chat-file.service.ts';
import { ChatModelService } from './chat-model.service.ts';
import { ModelClient } from '../outbound/model-client.ts';

/** Every service, wired once with the repositories it uses. Routes and jobs take what they need from here. */
export interface Services {
  config: Config;
  db: Db;
  accounts: AccountService;
  sessions: SessionService;
  studio: StudioService;
  projects: ProjectService;
  batches: BatchService;
  files: FileService;
  /** Where result files (mask PNGs, annotation files) live; served by `GET /r/<folder>/<name>` without a key. */
  resultFiles: FileStore;
  teams: TeamService;
  /** Emails invitation and password-reset links when TAGWRIGHT_SMTP_URL is set. */
  teamMail: TeamMailer;
  /** Self-service "Forgot password": rate-limited, same answer whatever the email. */
  passwordResets: PasswordResetService;
  /** Base of the links the server hands out; server.ts tells it the listening address. */
  publicUrl: PublicUrl;
  /** Callback delivery log and redelivery (the delivery itself is the deliver-callbacks job). */
  callbacks: CallbackService;
  /** Customer tasks: create, read, list, cancel, audit, unique_id, metadata, tags. */
  tasks: TaskService;
  /** The task state machine; every status or work-state change goes through it (workbench and review too). */
  taskLifecycle: TaskLifecycle;
  /** Evaluation and training tasks. */
  qualityTasks: QualityTaskService;
  /** The v2 API's rules (docs/v2.md): id-or-name references, task reads, batch control, deliveries. */
  v2: V2Services;
  /** The manager dashboard: progress, throughput, task browser and detail, UI audits, labeler stats. */
  dashboard: DashboardService;
  /** The work queue (docs/work-queue.md): next task, leases, drafts, submit, skip, pipelines. */
  queue: QueueService;
  /** Internal review of submitted work. */
  review: ReviewService;
  /** Bulk task import from JSONL/CSV (docs/import-export.md). */
  taskImport: TaskImportService;
  /** Streaming task exports: JSONL, CSV, COCO, YOLO, Pascal VOC (docs/import-export.md). */
  taskExport: TaskExportService;
  /** Chat conversations (docs/chat.md): threads by part, annotations by id. */
  chat: ChatConversationService;
  /** Chat model endpoints and model calls for labelers (docs/chat.md). */
  chatModels: ChatModelService;
  /** Files labelers attach to chat `file` questions (docs/chat.md, File questions). */
  chatFiles: ChatFileService;
  /** Called after a commit that wrote background work, so an in-process worker starts at once. */
  onWorkQueued: () => void;
}

export interface V2Services {
  references: V2References;
  tasks: V2TaskService;
  batches: BatchControlService;
  deliveries: DeliveryService;
  /** Datasets: projects created with a datasetId and their deliveries (docs/chat.md). */
  datasets: DatasetService;
  /** `GET /v2/schema`: JSON Schemas of project response formats. */
  schemas: ResponseSchemaService;
}

export function createServices(config: Config, db: Db): Services {
  const accountRepository = new AccountRepository(db.kysely, db.dialect);
  const userRepository = new UserRepository(db.kysely);
  const projectRepository = new ProjectRepository(db.kysely);
  const batchRepository = new BatchRepository(db.kysely);
  const projects = new ProjectService(projectRepository);
  const publicUrl = new PublicUrl(config);
  const fileStore = createFileStore(config);
  const files = new FileService(new FileRepository(db.kysely, db.dialect.skipLocked), new SettingsRepository(db.kysely), fileStore, projects, {
    uploadLimitBytes: config.uploadLimitBytes,
    importLimitBytes: config.importLimitBytes,
    s3: config.s3,
    publicUrl,
    notifyWork: () => services.onWorkQueued(),
  });
  const chat = new ChatConversationService(db);
  const results = new ResultRenderer(fileStore, publicUrl);
  const taskLifecycle = new TaskLifecycle(db.dialect, chainRecorders(chat, results), results);
  const tasks = new TaskService(db, config, taskLifecycle, projectRepository, batchRepository, userRepository, () => services.onWorkQueued());
  tasks.setAttachmentLinkResolver(new FileAttachmentLinks(files));
  const queue = new QueueService(db, config.queue, taskLifecycle, new FileAttachmentLinks(files), () => services.onWorkQueued());
  const batches = new BatchService(batchRepository, projectRepository);
  const teams = new TeamService(userRepository);
  const teamMail = new TeamMailer(config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.callbackTimeoutMs) : undefined, config.smtpFrom, publicUrl);
  const services: Services = {
    config,
    db,
    accounts: new AccountService(accountRepository, userRepository, config.keyCacheMs),
    sessions: new SessionService(new SessionRepository(db.kysely)),
    studio: new StudioService(new StudioRepository(db.kysely, db.dialect)),
    projects,
    batches,
    files,
    teams,
    teamMail,
    passwordResets: new PasswordResetService(new PasswordResetRequestRepository(db.kysely), userRepository, teams, teamMail, config.passwordReset),
    publicUrl,
    callbacks: new CallbackService(new OutboxRepository(db.kysely, db.dialect), new CallbackSubjectRepository(db.kysely), () => services.onWorkQueued()),
    tasks,
    taskLifecycle,
    qualityTasks: new QualityTaskService(db, tasks),
    v2: createV2Services(db, projectRepository, batchRepository, batches, tasks, taskLifecycle, () => services.onWorkQueued()),
    dashboard: new DashboardService(
      db,
      new DashboardRepository(db.kysely),
      projectRepository,
      batchRepository,
      userRepository,
      tasks,
      taskLifecycle,
      new FileAttachmentLinks(files),
      () => services.onWorkQueued(),
      chat,
    ),
    queue,
    review: new ReviewService(db, queue, taskLifecycle, () => services.onWorkQueued()),
    taskImport: new TaskImportService(db, tasks, taskLifecycle, () => services.onWorkQueued()),
    taskExport: new TaskExportService(db, projectRepository, batchRepository, (url) => readResultFile(fileStore, url), (tasks) => chat.threadsOf(tasks, TRAINING_OPTS)),
    resultFiles: fileStore,
    chat,
    chatModels: new ChatModelService(db, projectRepository, queue, new ModelClient({ ...config.model, allowPrivate: config.allowPrivateOutbound })),
    chatFiles: new ChatFileService(db, projectRepository, queue, files, publicUrl, Math.min(config.chatUploadLimitBytes, config.uploadLimitBytes)),
    onWorkQueued: () => {},
  };
  return services;
}

function createV2Services(
  db: Db,
  projectRepository: ProjectRepository,
  batchRepository: BatchRepository,
  batches: BatchService,
  tasks: TaskService,
  taskLifecycle: TaskLifecycle,
  notifyWork: () => void,
): V2Services {
  const references = new V2References(projectRepository, batchRepository);
  return {
    references,
    tasks: new V2TaskService(db, tasks, references),
    batches: new BatchControlService(db, batchRepository, references, taskLifecycle, notifyWork, batches),
    deliveries: new DeliveryService(db, references),
    datasets: new DatasetService(db),
    schemas: new ResponseSchemaService(projectRepository),
  };
}
