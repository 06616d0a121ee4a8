import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildVectorFiles } from './vector-cases';

for (const [name, content] of Object.entries(await buildVectorFiles()))
  writeFileSync(
    join(import.meta.dirname, '..', 'vectors', name),
    `${JSON.stringify(content, null, 2)}\n`,
  );
console.log('vectors written');
