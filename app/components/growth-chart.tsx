import { useId } from "react";

export interface GrowthPoint {
  at: string;
  total: number;
}

const W = 640;
const H = 200;
const PAD = { top: 16, right: 16, bottom: 36, left: 56 };

/**
 * Cumulative verified signatures as a server-drawn SVG: a line with marked points and labelled
 * axes, so it reads without colour, plus a title and a description for screen readers.
 */
export function GrowthChart({ points }: { points: GrowthPoint[] }) {
  const id = useId();
  if (points.length === 0) {
    return <p className="muted">The growth chart appears once the first signature is confirmed.</p>;
  }
  // A single point still draws a line from zero, so a new letter does not show an empty frame.
  const first = new Date(points[0]!.at).getTime();
  const series = [{ t: first - 3_600_000, total: 0 }, ...points.map((p) => ({ t: new Date(p.at).getTime(), total: p.total }))];
  const tMin = series[0]!.t;
  const tMax = Math.max(series[series.length - 1]!.t, tMin + 1);
  const max = Math.max(...series.map((p) => p.total), 1);
  const x = (t: number) => PAD.left + ((t - tMin) / (tMax - tMin)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const path = series.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.total).toFixed(1)}`).join(" ");
  const last = points[points.length - 1]!;
  const fmt = (t: number) => new Date(t).toISOString().slice(0, 10);
  const description = `Verified signatures grew from 0 to ${last.total} between ${fmt(tMin)} and ${fmt(tMax)}.`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} width="100%">
        <title id={`${id}-t`}>Signatures over time</title>
        <desc id={`${id}-d`}>{description}</desc>
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text className="tick" x={PAD.left - 6} y={y(max) + 4} textAnchor="end">
          {max}
        </text>
        <text className="tick" x={PAD.left - 6} y={H - PAD.bottom + 4} textAnchor="end">
          0
        </text>
        <text className="tick" x={PAD.left} y={H - 8}>
          {fmt(tMin)}
        </text>
        <text className="tick" x={W - PAD.right} y={H - 8} textAnchor="end">
          {fmt(tMax)}
        </text>
        <path className="line" d={path} fill="none" />
        {series.slice(1).map((p) => (
          <circle key={p.t} className="dot" cx={x(p.t)} cy={y(p.total)} r={3} />
        ))}
      </svg>
      <figcaption>{description}</figcaption>
    </figure>
  );
}
