import { COLOURS } from './chart-theme.js';

/**
 * A series primitive (lightweight-charts plugin API) that draws each past signal where it ran:
 * entry, stop and the three targets as short horizontal segments from the signal's candle to
 * where it ended (its outcome's exit, or the right edge while it is open), over a faint band
 * between entry and stop. Segments are given in logical (bar index) coordinates, so they need
 * no candle at their exact times; the price scale is not stretched to fit them.
 */
export function createSignalLevels() {
  let attached = null;
  /** [{ from, to, entry, stop, targets: [tp1, tp2, tp3], selected, tone }] in bar-index space. */
  let segments = [];

  const renderer = {
    draw(target) {
      if (!attached || segments.length === 0) return;
      const timeScale = attached.chart.timeScale();
      const series = attached.series;
      target.useBitmapCoordinateSpace(
        ({ context: ctx, horizontalPixelRatio: hr, verticalPixelRatio: vr }) => {
          for (const seg of segments) {
            const x1 = timeScale.logicalToCoordinate(seg.from);
            const x2 = timeScale.logicalToCoordinate(seg.to);
            if (x1 === null || x2 === null) continue;
            const left = Math.round(x1 * hr);
            const right = Math.max(left + 2, Math.round(x2 * hr));
            const y = (price) => {
              const c = series.priceToCoordinate(price);
              return c === null ? null : Math.round(c * vr);
            };
            const entry = y(seg.entry);
            const stop = y(seg.stop);
            if (entry !== null && stop !== null) {
              ctx.fillStyle = seg.selected ? 'rgba(214, 69, 69, 0.16)' : 'rgba(214, 69, 69, 0.07)';
              ctx.fillRect(left, Math.min(entry, stop), right - left, Math.abs(stop - entry));
            }
            const tp2 = y(seg.targets[1]);
            if (entry !== null && tp2 !== null) {
              ctx.fillStyle = seg.selected ? 'rgba(31, 157, 107, 0.14)' : 'rgba(31, 157, 107, 0.06)';
              ctx.fillRect(left, Math.min(entry, tp2), right - left, Math.abs(tp2 - entry));
            }
            const width = Math.max(1, Math.round((seg.selected ? 2 : 1) * hr));
            line(ctx, left, right, entry, COLOURS.entry, width, []);
            line(ctx, left, right, stop, COLOURS.sell, width, [4 * hr, 3 * hr]);
            const tpColours = [COLOURS.tp1, COLOURS.tp2, COLOURS.tp3];
            seg.targets.forEach((price, i) => {
              line(ctx, left, right, y(price), tpColours[i], width, [2 * hr, 2 * hr]);
            });
          }
        },
      );
    },
  };

  const view = { renderer: () => renderer, zOrder: () => 'normal' };

  return {
    attached(param) {
      attached = param;
    },
    detached() {
      attached = null;
    },
    updateAllViews() {},
    paneViews: () => [view],
    /** Replaces what is drawn. */
    set(next) {
      segments = next;
      attached?.requestUpdate();
    },
    count: () => segments.length,
  };
}

function line(ctx, left, right, y, colour, width, dash) {
  if (y === null) return;
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(left, y + 0.5);
  ctx.lineTo(right, y + 0.5);
  ctx.stroke();
}
