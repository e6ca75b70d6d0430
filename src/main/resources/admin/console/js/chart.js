// Line charts drawn as inline SVG. Each chart is a figure with a caption, a legend with totals, the
// SVG (an image with a text summary for screen readers) and its numbers as a table under a
// disclosure, so that nothing is only in the picture.

import { h, s, uid, num, clear } from './dom.js';

const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
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

/** Which points get an x-axis label: about six, on whole hours or midnights. */
function labelIndexes(times) {
  const n = times.length;
  if (n === 0) {
    return [];
  }
  const spanHours = (times[n - 1] - times[0]) / 3600000;
  if (spanHours > 48) {
    return times.map((t, i) => (t.getHours() === 0 && t.getMinutes() === 0 ? i : -1)).filter((i) => i >= 0);
  }
  const every = spanHours > 12 ? 4 : spanHours > 6 ? 2 : 1;
  const picked = times.map((t, i) => (t.getMinutes() === 0 && t.getHours() % every === 0 ? i : -1)).filter((i) => i >= 0);
  if (picked.length > 0) {
    return picked;
  }
  const step = Math.max(1, Math.ceil(n / 6));
  return times.map((t, i) => i).filter((i) => i % step === 0);
}

/**
 * A line chart.
 * @param {object} o
 * @param {string} o.title       the caption
 * @param {Date[]} o.times       the x values
 * @param {{key: string, label: string, values: number[]}[]} o.series
 * @param {string} [o.summary]   what the chart shows, for screen readers (a default is made)
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
  const x = (i) => m.left + (n <= 1 ? w / 2 : (i * w) / (n - 1));
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
  const spanHours = n > 1 ? (o.times[n - 1] - o.times[0]) / 3600000 : 0;
  for (const i of labelIndexes(o.times)) {
    axis.appendChild(s('line', { x1: x(i), x2: x(i), y1: m.top + ph, y2: m.top + ph + 4 }));
    axis.appendChild(s('text', { x: x(i), y: m.top + ph + 18, 'text-anchor': 'middle', class: 'axis-label' },
      spanHours > 48 ? dayFormat.format(o.times[i]) : hourFormat.format(o.times[i])));
  }
  axis.appendChild(s('line', { x1: m.left, x2: m.left + w, y1: m.top + ph, y2: m.top + ph, class: 'baseline' }));
  svg.appendChild(axis);

  for (const se of o.series) {
    const cls = `line series-${se.key}`;
    if (n === 1) {
      svg.appendChild(s('circle', { cx: x(0), cy: y(se.values[0]), r: 3, class: cls }));
    } else if (n > 1) {
      const d = se.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
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
      const i = Math.max(0, Math.min(n - 1, Math.round(n <= 1 ? 0 : ((px - m.left) / w) * (n - 1))));
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
