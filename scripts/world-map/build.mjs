// Builds crates/shared/data/world-110m.txt from Natural Earth's 1:110m countries as the
// `world-atlas` npm package ships them (TopoJSON), at development time only:
//
//   npm pack world-atlas@2 topojson-client@3 && tar xzf ... (see README in this folder)
//   node scripts/world-map/build.mjs <countries-110m.json> <topojson-client.js> <iso_3166-1.json>
//
// Output: one line per country, "<alpha-2>\t<SVG path data>", in an equirectangular
// projection whose plane is x 0..360 (180°W..180°E) and y 0..145 (84°N..61°S);
// Antarctica is left out; rings crossing the antimeridian are clamped to the edge. Coordinates are rounded to 0.1 and points closer than 0.35
// to the previous one dropped.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [atlasPath, clientPath, isoPath] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const topojson = require(clientPath);
const atlas = JSON.parse(readFileSync(atlasPath, "utf8"));
const iso = JSON.parse(readFileSync(isoPath, "utf8"))["3166-1"];
const byNumeric = new Map(iso.map((c) => [c.numeric, c.alpha_2]));

const TOP = 84;
const project = ([lon, lat]) => [lon + 180, TOP - lat];
const round = (v) => Math.round(v * 10) / 10;

const countries = topojson.feature(atlas, atlas.objects.countries).features;
const lines = [];
for (const f of countries) {
  const code = byNumeric.get(f.id);
  if (!code || code === "AQ") continue;
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  let d = "";
  for (const poly of polys) {
    const ring = poly[0].map(project);
    // Rings that cross the antimeridian (Russia's Chukotka, Fiji) jump across the whole
    // plane; their far-side points are clamped to the edge they belong to.
    const crosses = ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
    if (crosses) {
      const east = ring.filter((p) => p[0] > 180).length * 2 > ring.length;
      for (const p of ring) {
        if (east && p[0] < 180) p[0] = 360;
        if (!east && p[0] > 180) p[0] = 0;
      }
    }
    const pts = [];
    for (const p of ring) {
      const [x, y] = p.map(round);
      const last = pts[pts.length - 1];
      if (last && Math.hypot(x - last[0], y - last[1]) < 0.35) continue;
      pts.push([x, y]);
    }
    if (pts.length < 3) continue;
    d += "M" + pts.map(([x, y]) => `${x} ${y}`).join("L") + "Z";
  }
  if (d) lines.push(`${code}\t${d}`);
}
lines.sort();
process.stdout.write(lines.join("\n") + "\n");
