/** The charts' look, shared by the price and the equity chart (the backtest report's palette). */

export const COLOURS = {
  up: '#26a69a',
  down: '#ef5350',
  buy: '#1f9d6b',
  sell: '#d64545',
  entry: '#2962ff',
  tp1: '#1f9d6b',
  tp2: '#168a5c',
  tp3: '#0f6e49',
};

const FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export function baseChartOptions() {
  return {
    autoSize: true,
    layout: {
      background: { type: 'solid', color: '#ffffff' },
      textColor: '#3c4656',
      fontFamily: FONT,
      fontSize: 12,
      // the attribution link is in the page footer: the built-in logo injects an inline style the page's policy refuses
      attributionLogo: false,
    },
    grid: { vertLines: { color: '#f1f3f7' }, horzLines: { color: '#f1f3f7' } },
    rightPriceScale: { borderColor: '#dde1e8' },
    timeScale: { borderColor: '#dde1e8', timeVisible: true, secondsVisible: false },
    crosshair: { mode: 0 },
  };
}
