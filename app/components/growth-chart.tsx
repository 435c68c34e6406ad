import { useId } from "react";
import { counted, formatDay, formatHour } from "../utils/format";

export interface GrowthPoint {
  at: string;
  total: number;
}

const W = 640;
const H = 180;
const PAD = 6;

/** The day, or the hour for a young letter's hourly points. */
const label = (t: number, hourly: boolean) => (hourly ? formatHour(t) : formatDay(t));

/**
 * Cumulative verified signatures: a server-drawn SVG line (no script) with its labels in HTML
 * around it, so they stay readable at any width (text inside a scaled SVG shrinks with it on a
 * phone), and a sentence that says what the line shows, for screen readers and everyone else.
 * Points are hourly for a young letter, daily after three days (signatureGrowth).
 */
export function GrowthChart({ points }: { points: GrowthPoint[] }) {
  const id = useId();
  if (points.length === 0) {
    return <p className="muted">The growth chart appears once the first signature is confirmed.</p>;
  }
  const times = points.map((p) => new Date(p.at).getTime());
  // Hourly buckets are an hour apart at most; daily ones at least a day.
  const hourly = times.length < 2 || times.every((t, i) => i === 0 || t - times[i - 1]! < 86_400_000);
  const step = hourly ? 3_600_000 : 86_400_000;
  // The line starts from zero one bucket before the first: a single point still draws a rise.
  const series = [{ t: times[0]! - step, total: 0 }, ...points.map((p, i) => ({ t: times[i]!, total: p.total }))];
  const tMin = series[0]!.t;
  const tMax = series[series.length - 1]!.t;
  const max = Math.max(...series.map((p) => p.total), 1);
  const x = (t: number) => PAD + ((t - tMin) / (tMax - tMin)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - (v / max) * (H - 2 * PAD);
  const path = series.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.total).toFixed(1)}`).join(" ");
  const last = series[series.length - 1]!;
  // The busiest bucket, in words: what a reader of the line would notice first.
  let busiest = { t: series[1]!.t, n: series[1]!.total };
  for (let i = 2; i < series.length; i++) {
    const n = series[i]!.total - series[i - 1]!.total;
    if (n > busiest.n) busiest = { t: series[i]!.t, n };
  }
  const unit = hourly ? "hour" : "day";
  const description =
    `Verified signatures grew from 0 to ${last.total.toLocaleString("en")} between ${label(tMin, hourly)} and ${label(tMax, hourly)}, ` +
    `${hourly ? "hour by hour" : "day by day"}. The busiest ${unit} was ${label(busiest.t, hourly)}, with ${counted(busiest.n, "signature", "signatures")}.`;
  return (
    <figure className="chart" aria-labelledby={`${id}-d`}>
      <p className="chart-y" aria-hidden="true">
        {max.toLocaleString("en")}
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false" width="100%">
        <line className="grid" x1={0} y1={PAD} x2={W} y2={PAD} />
        <line className="axis" x1={0} y1={H - PAD} x2={W} y2={H - PAD} />
        <path className="area" d={`${path} L${x(tMax).toFixed(1)},${H - PAD} L${x(tMin).toFixed(1)},${H - PAD} Z`} />
        <path className="line" d={path} fill="none" />
        {series.length <= 60 ? series.slice(1).map((p) => <circle key={p.t} className="dot" cx={x(p.t)} cy={y(p.total)} r={3.5} />) : null}
      </svg>
      <p className="chart-x" aria-hidden="true">
        <span>{label(tMin, hourly)}</span>
        <span>{label(tMax, hourly)}</span>
      </p>
      <figcaption id={`${id}-d`}>{description}</figcaption>
    </figure>
  );
}
