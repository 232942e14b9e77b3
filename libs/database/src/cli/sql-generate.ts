// npm run sql:generate: writes each repository's statements to the .sql file beside it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredQueries, renderQueries } from '../sql/queries';
import { REPOSITORY_ROOT, repositoryFiles, sqlFileOf } from '../sql/repository-files';

for (const file of repositoryFiles()) {
  require(join(REPOSITORY_ROOT, file)); // the module declares its statements when loaded
  const declared = declaredQueries(join(REPOSITORY_ROOT, file));
  if (!declared) throw new Error(`${file} declares no statements: use queries(__filename, { … })`);
  writeFileSync(join(REPOSITORY_ROOT, sqlFileOf(file)), renderQueries(declared));
  console.log(`${sqlFileOf(file)}: ${Object.keys(declared).length} statements`);
}
