// Regenerates the metric catalog section of README.md from METRIC_CATALOG.
import { readFileSync, writeFileSync } from 'node:fs';
import { updateReadmeCatalog } from '../src/docs/catalog-table';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, updateReadmeCatalog(readFileSync(path, 'utf8')));
