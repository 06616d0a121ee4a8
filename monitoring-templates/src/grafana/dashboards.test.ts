import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, TEMPLATES_ROOT } from '../generate';
import { SCHEMA_VERSION } from './builder';
import { DASHBOARD_FILES } from './dashboards';

interface Panel {
  id: number;
  type: string;
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: unknown;
  targets: { datasource: { uid: string } }[];
}

const UIDS = ['portcullis-overview', 'portcullis-services', 'portcullis-performance'];
const load = (uid: string) =>
  JSON.parse(
    readFileSync(join(TEMPLATES_ROOT, GENERATED_DIR, DASHBOARD_FILES, `${uid}.json`), 'utf8'),
  );

describe.each(UIDS)('dashboard %s', (uid) => {
  const board = load(uid);
  const panels = board.panels as Panel[];
  const dataPanels = panels.filter((panel) => panel.type !== 'row');

  it('keeps its stable uid and the current schemaVersion', () => {
    expect(board.uid).toBe(uid);
    expect(board.id).toBeUndefined();
    expect(board.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('lets the viewer pick the Prometheus datasource, and every query uses it', () => {
    const variable = board.templating.list.find((v: { name: string }) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of dataPanels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: `\${datasource}` });
      for (const target of panel.targets) expect(target.datasource.uid).toBe(`\${datasource}`);
    }
  });

  it('has described panels with queries, unique ids, on the 24-column grid without overlap', () => {
    expect(dataPanels.length).toBeGreaterThanOrEqual(6);
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let dx = 0; dx < w; dx++) {
        for (let dy = 0; dy < h; dy++) {
          const cell = `${x + dx},${y + dy}`;
          expect(cells.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
    for (const panel of dataPanels) {
      expect(panel.description.length).toBeGreaterThan(10);
      expect(panel.targets.length).toBeGreaterThan(0);
    }
  });
});
