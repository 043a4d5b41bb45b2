import type { Timeframe } from '../../core/candles/timeframe.js';

/** What the HTML report draws besides the report itself: candles per symbol, already coarse. */
export interface ChartSeries {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly candles: readonly {
    readonly time: number;
    readonly open: number;
    readonly high: number;
    readonly low: number;
    readonly close: number;
  }[];
}
