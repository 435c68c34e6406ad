/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package, the
 * quickest way to see where a request's CPU goes.  node --import tsx bench/profile-summary.ts FILE
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
const profile = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const total = profile.nodes.reduce((n, node) => n + node.hitCount, 0);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith("node:") ? url : url ? url.replace(/^.*\/work\/main\//, "") : "(native/gc/idle)");
  const fn = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "")}:${lineNumber}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.hitCount);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.hitCount);
}
const top = (map: Map<string, number>, n: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`).join("\n");
console.log(`samples: ${total}\n\nby package:\n${top(byPackage, 25)}\n\nby function:\n${top(byFunction, 30)}`);
