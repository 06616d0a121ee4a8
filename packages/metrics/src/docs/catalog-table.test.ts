import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG } from '../catalog/catalog';
import { renderCatalogTable, updateReadmeCatalog } from './catalog-table';

/** Markdown formatters pad table cells; compare cell contents only. */
function normalizeTables(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim().replace(/^:?-{3,}:?$/, '---'))
            .join('|')
        : line,
    )
    .join('\n');
}

describe('README catalog table', () => {
  it('matches the catalog (run `pnpm --filter @portcullis/metrics docs` to regenerate)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(normalizeTables(readme)).toBe(normalizeTables(updateReadmeCatalog(readme)));
  });

  it('ignores only cell padding when comparing', () => {
    expect(normalizeTables('| a  | `b` |\n| --- | ------ |')).toBe(
      normalizeTables('| a | `b` |\n| --- | --- |'),
    );
    expect(normalizeTables('| a | b |')).not.toBe(normalizeTables('| a | c |'));
  });

  it('lists every catalog metric once', () => {
    const table = renderCatalogTable();
    for (const metric of METRIC_CATALOG) {
      expect(table.split(`| \`portcullis_${metric.name}\` |`)).toHaveLength(2);
    }
  });

  it('would notice a metric that is added, renamed or re-labelled', () => {
    const changed = METRIC_CATALOG.map((m) =>
      m.name === 'errors_total' ? { ...m, labels: m.labels.slice(0, 1) } : m,
    );
    expect(renderCatalogTable(changed)).not.toBe(renderCatalogTable());
    expect(renderCatalogTable(METRIC_CATALOG.slice(1))).not.toBe(renderCatalogTable());
  });

  it('refuses a README without markers', () => {
    expect(() => updateReadmeCatalog('# nothing here')).toThrow(TypeError);
  });
});
