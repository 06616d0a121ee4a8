/** Markdown tables of a load run, as pasted into RESULTS.md. */
import type { LevelResult } from './measure';
import type { LoadResults } from './plan';

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

function pairs(levels: readonly LevelResult[]): [LevelResult, LevelResult][] {
  const out: [LevelResult, LevelResult][] = [];
  for (const p of levels.filter((l) => l.stack === 'portcullis')) {
    const b = levels.find((l) => l.stack === 'baseline' && l.connections === p.connections);
    if (b) out.push([p, b]);
  }
  return out;
}

/** CPU time the stack's process spent per answered update, in ms: steadier than req/s on a shared machine. */
function cpuMs(level: LevelResult): number {
  return (level.cpu.stack * 1000) / level.throughput;
}

/** Side-by-side throughput and latency per level, with the Portcullis / baseline ratios. */
export function levelTable(levels: readonly LevelResult[]): string {
  const rows = pairs(levels).map(
    ([p, b]) =>
      `| ${p.connections} | ${fixed(p.throughput)} | ${p.p50Ms} | ${p.p99Ms} | ${fixed(cpuMs(p), 2)} | ${fixed(b.throughput)} | ${b.p50Ms} | ${b.p99Ms} | ${fixed(cpuMs(b), 2)} | ${fixed(p.throughput / b.throughput, 2)} | ${fixed(p.p99Ms / b.p99Ms, 2)} | ${fixed(cpuMs(p) / cpuMs(b), 2)} |`,
  );
  return [
    '| connections | Portcullis req/s | p50 ms | p99 ms | CPU ms/req | baseline req/s | p50 ms | p99 ms | CPU ms/req | req/s ratio (P/B) | p99 ratio (P/B) | CPU/req ratio (P/B) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Per level and stack: what was answered, and whether the work behind the answers happened. */
export function checkTable(levels: readonly LevelResult[]): string {
  const rows = levels.map(
    (l) =>
      `| ${l.stack} | ${l.connections} | ${l.ok} | ${l.non2xx} | ${l.errors} | ${l.maxMs} | ${l.commands} | ${l.backendServed} | ${l.backendRefused} | ${l.replies} | ${fixed(l.cpu.stack, 2)} / ${fixed(l.cpu.generator, 2)} / ${fixed(l.cpu.redis, 2)} / ${fixed(l.cpu.other, 2)} |`,
  );
  return [
    '| stack | connections | 2xx | non-2xx | errors + timeouts | max ms | /shifts sent | backend 2xx | backend refused | replies sent | cores: stack / generator / redis / other |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** The soak per stack: its load, and memory growth from the first to the last third. */
export function soakTable(results: LoadResults): string {
  const rows = results.soaks.map(({ load, samples, growth }) => {
    const rss = `${fixed(growth.firstRssMb, 1)} → ${fixed(growth.lastRssMb, 1)}`;
    const heap = `${fixed(growth.firstHeapMb, 1)} → ${fixed(growth.lastHeapMb, 1)}`;
    const max = Math.max(...samples.map((s) => s.rssBytes)) / 1024 / 1024;
    return `| ${load.stack} | ${load.connections} | ${fixed(load.durationSeconds)} | ${fixed(load.throughput)} | ${load.p99Ms} | ${load.non2xx + load.errors} | ${samples.length} | ${rss} | ${fixed(max, 1)} | ${heap} |`;
  });
  return [
    '| stack | connections | seconds | req/s | p99 ms | non-2xx + errors | samples | RSS MiB first → last third | RSS max MiB | heap used MiB first → last third |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** The stock gateway's level: statuses, latency, and the work done. */
export function shippedTable(level: LevelResult): string {
  const statuses = Object.entries(level.statuses)
    .map(([code, count]) => `${code}: ${count}`)
    .join(', ');
  return [
    '| connections | seconds | 2xx/s | statuses | errors + timeouts | p50 ms | p99 ms | max ms | backend 2xx | replies sent |',
    '|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|',
    `| ${level.connections} | ${fixed(level.durationSeconds)} | ${fixed(level.throughput)} | ${statuses} | ${level.errors} | ${level.p50Ms} | ${level.p99Ms} | ${level.maxMs} | ${level.backendServed} | ${level.replies} |`,
  ].join('\n');
}

/** Heap and RSS right after a forced full GC, before and after each soak, and per update. */
export function retainedTable(results: LoadResults): string {
  const rows = results.soaks.map(({ load, retained }) => {
    if (!retained) return `| ${load.stack} | – | – | – | – |`;
    const mb = (bytes: number) => fixed(bytes / 1024 / 1024, 1);
    const perUpdate = (retained.after.heapUsedBytes - retained.before.heapUsedBytes) / load.ok;
    return `| ${load.stack} | ${load.ok} | ${mb(retained.before.heapUsedBytes)} → ${mb(retained.after.heapUsedBytes)} | ${fixed(perUpdate, 1)} | ${mb(retained.before.rssBytes)} → ${mb(retained.after.rssBytes)} |`;
  });
  return [
    '| stack | updates in soak | heap used after GC, MiB before → after | retained bytes per update | RSS after GC, MiB before → after |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** RSS and heap used over the soak, one point per `everySeconds`, per stack. */
export function soakSeries(results: LoadResults, everySeconds = 15): string {
  return results.soaks
    .map(({ load, samples }) => {
      const points: string[] = [];
      let next = 0;
      for (const s of samples) {
        if (s.atSeconds < next) continue;
        points.push(
          `${fixed(s.atSeconds)}s ${fixed(s.rssBytes / 1024 / 1024)}/${fixed(s.heapUsedBytes / 1024 / 1024)}`,
        );
        next = s.atSeconds + everySeconds;
      }
      return `- ${load.stack} (RSS/heap MiB): ${points.join(', ')}`;
    })
    .join('\n');
}

/** Every table of a run. */
export function formatReport(results: LoadResults): string {
  return [
    '### Throughput and latency per level',
    levelTable(results.levels),
    '### Checks per level',
    checkTable(results.levels),
    ...(results.shipped
      ? ['### Stock gateway, limits as shipped', shippedTable(results.shipped)]
      : []),
    ...(results.soaks.length > 0
      ? ['### Soak', soakTable(results), soakSeries(results), retainedTable(results)]
      : []),
  ].join('\n\n');
}
