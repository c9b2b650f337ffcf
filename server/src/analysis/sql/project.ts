import type { SourceFile } from '../types';

/**
 * The ordered, parsed and replayed migrations of a project. (Owned by the SQL module; this first
 * version only keeps the files so the engine can be wired before the SQL analysis lands.)
 */
export interface MigrationProject {
  files: SourceFile[];
}

export interface MigrationProjectOptions {
  supabase?: boolean;
}

export function buildMigrationProject(files: SourceFile[], _options: MigrationProjectOptions = {}): MigrationProject {
  return { files };
}
