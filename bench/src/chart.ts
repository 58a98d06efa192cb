/**
 * A horizontal bar chart as a standalone SVG string: one bar per row, its length proportional to
 * the value (0 at the left edge), the label on the left and the formatted value on the right.
 * Small on purpose: BENCHMARKS.md needs one chart per section and nothing a chart library adds.
 */

/** One bar. */
export interface Bar {
  label: string;
  value: number;
  /** Printed after the bar (default: the value). */
  text?: string;
  /** Drawn in the accent colour (routecache's own rows). */
  highlight?: boolean;
}

/** Layout of {@link barChart}, in SVG user units. */
const LAYOUT = {
  width: 760,
  labelWidth: 300,
  barArea: 330,
  barHeight: 18,
  gap: 8,
  top: 34,
  bottom: 12,
  fontSize: 12,
} as const;

/** `text` with the five XML special characters escaped. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `label` cut to fit the label column (about 7 px a character at 12 px). */
function fit(label: string): string {
  const max = Math.floor(LAYOUT.labelWidth / 7) - 1;
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

/**
 * Render `bars` under `title`. Every bar's `width` is `value / max(value) * barArea`, each `rect`
 * carries its value in `data-value`; a non-finite or negative value draws no bar.
 *
 * @example
 * ```ts
 * const svg = barChart('engine hit path', [
 *   { label: 'lru-cache', value: 438, text: '438 ns' },
 *   { label: 'routecache', value: 590, text: '590 ns', highlight: true },
 * ]);
 * writeFileSync('engine.svg', svg);
 * ```
 */
export function barChart(title: string, bars: readonly Bar[]): string {
  const { width, labelWidth, barArea, barHeight, gap, top, bottom, fontSize } = LAYOUT;
  const drawable = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);
  const max = Math.max(0, ...bars.map((b) => drawable(b.value)));
  const height = top + bars.length * (barHeight + gap) + bottom;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="${fontSize}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  bars.forEach((bar, i) => {
    const y = top + i * (barHeight + gap);
    const w = max === 0 ? 0 : (drawable(bar.value) / max) * barArea;
    const textY = y + barHeight / 2 + fontSize / 3;
    const fill = bar.highlight ? '#d9480f' : '#868e96';
    parts.push(
      `<text x="${labelWidth - 8}" y="${textY}" text-anchor="end">${escapeXml(fit(bar.label))}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${round(w)}" height="${barHeight}" fill="${fill}" data-value="${bar.value}"/>`,
      `<text x="${round(labelWidth + w + 6)}" y="${textY}">${escapeXml(bar.text ?? String(bar.value))}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
