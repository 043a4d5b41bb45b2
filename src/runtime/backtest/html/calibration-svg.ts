import type { Calibration } from '../../../core/metrics/types.js';
import { escapeHtml, formatCount, formatNumber, formatPercent } from './format.js';

const WIDTH = 640;
const HEIGHT = 280;
const LEFT = 48;
const RIGHT = 16;
const TOP = 28;
const BOTTOM = 52;

const CONFIDENCE_COLOUR = '#8ea3c0';
const WIN_COLOUR = '#1f9d6b';

function r1(x: number): string {
  return formatNumber(x, 1).replace(/,/g, '');
}

/**
 * Realised win rate beside mean confidence per confidence bucket, as a static SVG: bars that
 * rest on too few trades are faded and labelled, since a 3-trade bucket proves nothing.
 */
export function calibrationSvg(cal: Calibration): string {
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const y = (fraction: number): number => TOP + plotH * (1 - Math.max(0, Math.min(1, fraction)));
  const parts: string[] = [];
  parts.push(
    `<svg class="calibration-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Calibration: realised net win rate against mean confidence per confidence bucket">`,
  );
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const ty = r1(y(tick));
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${ty}" y2="${ty}" class="grid"/>`,
      `<text x="${LEFT - 6}" y="${ty}" class="axis" text-anchor="end" dominant-baseline="middle">${tick * 100}%</text>`,
    );
  }
  const buckets = cal.buckets;
  const slot = buckets.length > 0 ? plotW / buckets.length : plotW;
  const barW = Math.min(44, slot / 3);
  buckets.forEach((b, i) => {
    const cx = LEFT + slot * (i + 0.5);
    const faded = b.trades === 0 || !b.winRate.reliable;
    const group: string[] = [];
    const bar = (value: number | null, x: number, colour: string, label: string): void => {
      if (value === null) return;
      const top = y(value);
      const h = TOP + plotH - top;
      group.push(
        `<rect x="${r1(x)}" y="${r1(top)}" width="${r1(barW)}" height="${r1(Math.max(h, 0.5))}" fill="${colour}" rx="2"><title>${escapeHtml(label)}</title></rect>`,
        `<text x="${r1(x + barW / 2)}" y="${r1(top - 5)}" class="bar-label" text-anchor="middle">${formatPercent(value, 0).replace(' ', '')}</text>`,
      );
    };
    const range = `${formatNumber(b.lower, 1)}–${formatNumber(b.upper, 1)}`;
    bar(
      b.meanConfidence.value,
      cx - barW - 2,
      CONFIDENCE_COLOUR,
      `${range}: mean confidence ${formatPercent(b.meanConfidence.value, 1)} (n = ${b.trades})`,
    );
    bar(
      b.winRate.value,
      cx + 2,
      WIN_COLOUR,
      `${range}: realised net win rate ${formatPercent(b.winRate.value, 1)} (n = ${b.trades})`,
    );
    if (b.trades === 0) {
      group.push(
        `<text x="${r1(cx)}" y="${r1(TOP + plotH - 8)}" class="axis" text-anchor="middle">no trades</text>`,
      );
    }
    parts.push(`<g class="bucket${faded ? ' faded' : ''}">${group.join('')}</g>`);
    parts.push(
      `<text x="${r1(cx)}" y="${HEIGHT - BOTTOM + 18}" class="axis strong" text-anchor="middle">${range}</text>`,
      `<text x="${r1(cx)}" y="${HEIGHT - BOTTOM + 34}" class="axis${faded ? ' warn' : ''}" text-anchor="middle">n = ${formatCount(b.trades)}${b.trades > 0 && !b.winRate.reliable ? ` (&lt; ${cal.minTrades})` : ''}</text>`,
    );
  });
  parts.push(
    `<rect x="${LEFT}" y="6" width="10" height="10" fill="${CONFIDENCE_COLOUR}" rx="2"/>`,
    `<text x="${LEFT + 14}" y="11" class="axis" dominant-baseline="middle">mean confidence</text>`,
    `<rect x="${LEFT + 130}" y="6" width="10" height="10" fill="${WIN_COLOUR}" rx="2"/>`,
    `<text x="${LEFT + 144}" y="11" class="axis" dominant-baseline="middle">realised net win rate</text>`,
    `<text x="${WIDTH - RIGHT}" y="11" class="axis" text-anchor="end" dominant-baseline="middle">confidence bucket</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
