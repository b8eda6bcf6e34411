// Time-series charts drawn with uPlot (loaded as the global `uPlot`). Each chart takes the API's
// `Record<name, [epochMs, value | null][]>` and redraws in place; it is rebuilt only when the set
// of series changes (a provider appears).

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777'];
const HEIGHT = 180;
const assigned = new Map();

/**
 * A colour per provider (the part of a series name before `/` or a space), handed out in order of
 * first appearance, so a provider keeps its colour across charts.
 */
export function colourOf(name) {
  const provider = name.split(/[/ ]/, 1)[0];
  if (!assigned.has(provider)) assigned.set(provider, PALETTE[assigned.size % PALETTE.length]);
  return assigned.get(provider);
}

/** `18:49:10` for an x value in epoch seconds. */
function clockTime(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString('en-GB', { hour12: false });
}

/** Aligns several series on one sorted x axis (seconds, as uPlot wants) for `uPlot.setData`. */
export function alignSeries(record) {
  const names = Object.keys(record).sort();
  const times = new Set();
  for (const name of names) for (const [time] of record[name]) times.add(time);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((time, position) => [time, position]));
  const columns = names.map((name) => {
    const column = new Array(xs.length).fill(null);
    for (const [time, value] of record[name]) column[index.get(time)] = value;
    return column;
  });
  return { names, data: [xs.map((time) => time / 1000), ...columns] };
}

/** Running totals of each series (nulls count as 0 once a series has started). */
export function cumulative(record) {
  const result = {};
  for (const [name, points] of Object.entries(record)) {
    let total = 0;
    result[name] = points.map(([time, value]) => {
      total += value ?? 0;
      return [time, total];
    });
  }
  return result;
}

/** A chart inside `figure`, formatting y values with `format`; `emptyText` shows without data. */
export function createChart(figure, format, emptyText = 'no data yet') {
  let plot = null;
  let signature = '';
  const empty = document.createElement('p');
  empty.className = 'muted empty';
  empty.textContent = emptyText;
  figure.append(empty);

  const width = () => Math.max(240, figure.clientWidth - 24);
  window.addEventListener('resize', () => plot?.setSize({ width: width(), height: HEIGHT }));

  function build(names, data) {
    plot?.destroy();
    const options = {
      width: width(),
      height: HEIGHT,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { space: 70, values: (_u, ticks) => ticks.map(clockTime) },
        { size: 70, values: (_u, ticks) => ticks.map(format) },
      ],
      series: [
        {},
        ...names.map((name) => ({
          label: name,
          stroke: colourOf(name),
          width: 2,
          // A p95 line is dashed next to its p50; steps without requests are bridged.
          dash: name.endsWith(' p95') ? [6, 4] : undefined,
          spanGaps: true,
          value: (_u, value) => (value === null ? '–' : format(value)),
        })),
      ],
    };
    plot = new window.uPlot(options, data, figure);
  }

  return {
    /** Draws `record`; an empty record shows "no data yet". */
    update(record) {
      const { names, data } = alignSeries(record ?? {});
      empty.hidden = names.length > 0;
      if (names.length === 0) return;
      const next = names.join('\n');
      if (plot && next === signature) plot.setData(data);
      else build(names, data);
      signature = next;
    },
  };
}
