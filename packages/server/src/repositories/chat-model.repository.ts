import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import type { ChatModelEndpointsTable } from '../db/tables/chat.ts';

/** A model endpoint with its parameters parsed. `api_key` must never reach a presenter. */
export interface ModelEndpoint extends Omit<Selectable<ChatModelEndpointsTable>, 'parameters'> {
  parameters: Record<string, unknown>;
}

export interface NewGeneration {
  id: string;
  task_id: string;
  account_id: string;
  user_id: string | null;
  endpoint_id: string;
  source_id: string;
  model: string;
  parameters: Record<string, unknown>;
  created_at: number;
}

function fromRow(row: Selectable<ChatModelEndpointsTable>): ModelEndpoint {
  return { ...row, position: Number(row.position), created_at: Number(row.created_at), updated_at: Number(row.updated_at), parameters: JSON.parse(row.parameters) };
}

/** Model endpoints of projects and the record of every model call. The only SQL for those tables. */
export class ChatModelRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async listForProject(projectId: string): Promise<ModelEndpoint[]> {
    const rows = await this.db.selectFrom('chat_model_endpoints').selectAll().where('project_id', '=', projectId).orderBy('position').orderBy('name').execute();
    return rows.map(fromRow);
  }

  async find(projectId: string, name: string): Promise<ModelEndpoint | undefined> {
    const row = await this.db.selectFrom('chat_model_endpoints').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();
    return row && fromRow(row);
  }

  async insert(endpoint: ModelEndpoint & { account_id: string; environment: Environment }): Promise<void> {
    await this.db.insertInto('chat_model_endpoints').values({ ...endpoint, parameters: JSON.stringify(endpoint.parameters) }).execute();
  }

  async update(id: string, patch: { url: string; model: string; api_key: string | null; parameters: Record<string, unknown>; updated_at: number }): Promise<void> {
    await this.db.updateTable('chat_model_endpoints').set({ ...patch, parameters: JSON.stringify(patch.parameters) }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('chat_model_endpoints').where('id', '=', id).execute();
  }

  async insertGeneration(generation: NewGeneration): Promise<void> {
    await this.db
      .insertInto('chat_generations')
      .values({ ...generation, parameters: JSON.stringify(generation.parameters), output: '', status: 'streaming', error: null, finished_at: null })
      .execute();
  }

  async finishGeneration(id: string, result: { output: string; status: 'done' | 'error'; error: string | null; finished_at: number }): Promise<void> {
    await this.db.updateTable('chat_generations').set(result).where('id', '=', id).execute();
  }

  async findGeneration(id: string): Promise<{ id: string; task_id: string; source_id: string; model: string; output: string; status: string } | undefined> {
    return this.db.selectFrom('chat_generations').select(['id', 'task_id', 'source_id', 'model', 'output', 'status']).where('id', '=', id).executeTakeFirst();
  }
}
