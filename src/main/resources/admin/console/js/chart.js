// Line charts drawn as inline SVG. Each chart is a figure with a caption, a legend with totals, the
// SVG (an image with a text summary for screen readers) and its numbers as a table under a
// disclosure, so that nothing is only in the picture.

import { h, s, uid, num, clear } from './dom.js';

const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const secondFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The smallest "nice" number (1, 2, 5 × 10^n) at least v. */
function niceStep(v) {
  if (v <= 1) {
    return 1;
  }
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) {
    if (m * p >= v) {
      return m * p;
    }
  }
  return 10 * p;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE,
  10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

/** Ticks for a time axis: at most about seven, on round local times (whole hours, midnights…). */
function timeTicks(from, to) {
  const span = Math.max(1, to - from);
  const step = STEPS.find((st) => span / st <= 7) || 7 * DAY;
  // Round times are counted from the local midnight before the first point.
  const midnight = new Date(from);
  midnight.setHours(0, 0, 0, 0);
  const base = midnight.getTime();
  const ticks = [];
  for (let t = base + Math.ceil((from - base) / step) * step; t <= to; t += step) {
    ticks.push(t);
  }
  const format = step >= DAY ? dayFormat : step >= MINUTE ? hourFormat : secondFormat;
  return ticks.map((t) => ({ t, label: format.format(new Date(t)) }));
}

/**
 * A line chart.
 * @param {object} o
 * @param {string} o.title       the caption
 * @param {Date[]} o.times       the x values
 * @param {{key: string, label: string, values: number[]}[]} o.series
 * @param {string} [o.summary]   what the chart shows, for screen readers (a default is made)
 * @param {boolean} [o.steps]    draw each value as held until the next point (sampled gauges)
 */
export function lineChart(o) {
  const titleId = uid('chart');
  const descId = uid('chart-desc');
  const totals = o.series.map((se) => se.values.reduce((a, b) => a + b, 0));
  const summary = o.summary || `${o.title}: ` + o.series.map((se, i) => `${se.label} ${num(totals[i])}`).join(', ') + '.';
  const plot = h('div', { class: 'chart-plot' });
  const tooltip = h('div', { class: 'chart-tip', 'aria-hidden': 'true', hidden: true });
  const figure = h('figure', { class: 'chart' },
    h('figcaption', { id: titleId }, o.title),
    h('ul', { class: 'legend' }, o.series.map((se, i) => h('li', {},
      h('span', { class: `swatch series-${se.key}`, 'aria-hidden': 'true' }),
      h('span', { class: 'legend-label' }, se.label),
      o.showTotals === false ? null : h('span', { class: 'legend-total', 'data-series': se.key }, num(totals[i]))))),
    h('p', { id: descId, class: 'visually-hidden' }, summary),
    h('div', { class: 'chart-area' }, plot, tooltip),
    dataTable(o));

  const draw = () => {
    clear(plot);
    plot.appendChild(svgChart(o, plot.clientWidth || 640, titleId, descId, tooltip));
  };
  // Drawn once in the page (its width is known then), and again when the width changes.
  let lastWidth = -1;
  const observer = new ResizeObserver(() => {
    if (!plot.isConnected) {
      observer.disconnect();
      return;
    }
    if (plot.clientWidth !== lastWidth) {
      lastWidth = plot.clientWidth;
      draw();
    }
  });
  observer.observe(plot);
  return figure;
}

function svgChart(o, width, titleId, descId, tooltip) {
  const height = o.height || 220;
  const m = { left: 48, right: 14, top: 12, bottom: 30 };
  const w = Math.max(120, width - m.left - m.right);
  const ph = height - m.top - m.bottom;
  const n = o.times.length;
  const max = Math.max(1, ...o.series.flatMap((se) => se.values));
  const step = niceStep(max / 4);
  const yMax = Math.max(step, Math.ceil(max / step) * step);
  // x follows time (samples may be irregular); y the value.
  const t0 = n > 0 ? o.times[0].getTime() : 0;
  const t1 = n > 1 ? o.times[n - 1].getTime() : t0 + 1;
  const xt = (t) => m.left + (n <= 1 ? w / 2 : ((t - t0) / (t1 - t0)) * w);
  const x = (i) => xt(o.times[i].getTime());
  const y = (v) => m.top + ph - (v / yMax) * ph;

  const svg = s('svg', {
    width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': titleId, 'aria-describedby': descId, class: 'chart-svg', focusable: 'false',
  });
  const grid = s('g', { class: 'grid' });
  for (let v = 0; v <= yMax; v += step) {
    grid.appendChild(s('line', { x1: m.left, x2: m.left + w, y1: y(v), y2: y(v) }));
    grid.appendChild(s('text', { x: m.left - 6, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle',
      class: 'axis-label' }, num(v)));
  }
  svg.appendChild(grid);
  const axis = s('g', { class: 'x-axis' });
  for (const tick of n > 1 ? timeTicks(t0, t1) : []) {
    const tx = xt(tick.t);
    axis.appendChild(s('line', { x1: tx, x2: tx, y1: m.top + ph, y2: m.top + ph + 4 }));
    axis.appendChild(s('text', { x: tx, y: m.top + ph + 18, 'text-anchor': 'middle', class: 'axis-label' }, tick.label));
  }
  axis.appendChild(s('line', { x1: m.left, x2: m.left + w, y1: m.top + ph, y2: m.top + ph, class: 'baseline' }));
  svg.appendChild(axis);

  for (const se of o.series) {
    const cls = `line series-${se.key}`;
    if (n === 1) {
      svg.appendChild(s('circle', { cx: x(0), cy: y(se.values[0]), r: 3, class: cls }));
    } else if (n > 1) {
      // A gauge sampled now and then holds its value until the next sample: steps, not slopes.
      const d = se.values.map((v, i) => (i === 0 ? `M${x(i).toFixed(1)},${y(v).toFixed(1)}`
        : o.steps ? `H${x(i).toFixed(1)} V${y(v).toFixed(1)}` : `L${x(i).toFixed(1)},${y(v).toFixed(1)}`)).join(' ');
      svg.appendChild(s('path', { d, class: cls, fill: 'none' }));
    }
  }

  // Pointer: a guide line and the values at the nearest point.
  const guide = s('line', { y1: m.top, y2: m.top + ph, class: 'guide', visibility: 'hidden' });
  svg.appendChild(guide);
  const overlay = s('rect', { x: m.left, y: m.top, width: w, height: ph, fill: 'transparent', class: 'overlay' });
  svg.appendChild(overlay);
  if (n > 0) {
    overlay.addEventListener('pointermove', (e) => {
      const box = svg.getBoundingClientRect();
      const px = e.clientX - box.left;
      let i = 0;
      for (let k = 1; k < n; k += 1) {
        if (Math.abs(x(k) - px) < Math.abs(x(i) - px)) {
          i = k;
        }
      }
      guide.setAttribute('x1', x(i));
      guide.setAttribute('x2', x(i));
      guide.setAttribute('visibility', 'visible');
      clear(tooltip);
      tooltip.appendChild(h('strong', {}, fullFormat.format(o.times[i])));
      for (const se of o.series) {
        tooltip.appendChild(h('span', {}, h('span', { class: `swatch series-${se.key}` }), `${se.label}: ${num(se.values[i])}`));
      }
      tooltip.hidden = false;
      const left = Math.min(x(i) + 12, width - 180);
      tooltip.style.left = `${Math.max(0, left)}px`;
    });
    overlay.addEventListener('pointerleave', () => {
      guide.setAttribute('visibility', 'hidden');
      tooltip.hidden = true;
    });
  }
  return svg;
}

function dataTable(o) {
  return h('details', { class: 'chart-data' },
    h('summary', {}, `${o.title}: the numbers`),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `${o.title}, as a table` },
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, o.timeLabel || 'Hour starting'),
          o.series.map((se) => h('th', { scope: 'col', class: 'num' }, se.label)))),
        h('tbody', {}, o.times.map((t, i) => h('tr', {},
          h('th', { scope: 'row' }, fullFormat.format(t)),
          o.series.map((se) => h('td', { class: 'num' }, num(se.values[i])))))))));
}
