// A dependency-free SVG line chart: throughput (log scale) against message size (log scale),
// one line per implementation.
const COLORS = ["#d62728", "#ff9896", "#1f77b4", "#9467bd", "#2ca02c", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

export function throughputChart(rows, title) {
  const W = 760, H = 440, L = 70, R = 190, T = 40, B = 50;
  const libs = [...new Set(rows.map((r) => r.lib))];
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
  const ys = rows.map((r) => r.mbps);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const x = (s) => L + ((Math.log2(s) - Math.log2(sizes[0])) / (Math.log2(sizes.at(-1)) - Math.log2(sizes[0]))) * (W - L - R);
  const y = (v) => T + (1 - (Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - T - B);
  const label = (s) => (s >= 1 << 20 ? `${s >> 20} MiB` : s >= 1024 ? `${s >> 10} KiB` : `${s} B`);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
  svg += `<rect width="${W}" height="${H}" fill="white"/>\n<text x="${W / 2 - R / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>\n`;
  for (let v = yMin; v <= yMax; v *= 10) {
    svg += `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1 ? v : v.toFixed(2)}</text>\n`;
  }
  for (const s of sizes) svg += `<text x="${x(s)}" y="${H - B + 18}" text-anchor="middle">${label(s)}</text>\n`;
  svg += `<text x="18" y="${(H - B + T) / 2}" transform="rotate(-90 18 ${(H - B + T) / 2})" text-anchor="middle">MB/s (log)</text>\n`;
  svg += `<text x="${(W - R + L) / 2}" y="${H - 12}" text-anchor="middle">message size (log)</text>\n`;
  libs.forEach((lib, i) => {
    const pts = rows.filter((r) => r.lib === lib).sort((a, b) => a.size - b.size);
    const c = COLORS[i % COLORS.length];
    svg += `<polyline fill="none" stroke="${c}" stroke-width="${lib === "aes-wasm" ? 3 : 1.5}" points="${pts.map((p) => `${x(p.size).toFixed(1)},${y(p.mbps).toFixed(1)}`).join(" ")}"/>\n`;
    for (const p of pts) svg += `<circle cx="${x(p.size).toFixed(1)}" cy="${y(p.mbps).toFixed(1)}" r="2.5" fill="${c}"/>\n`;
    svg += `<line x1="${W - R + 15}" x2="${W - R + 35}" y1="${T + 10 + i * 20}" y2="${T + 10 + i * 20}" stroke="${c}" stroke-width="3"/><text x="${W - R + 40}" y="${T + 14 + i * 20}">${lib}</text>\n`;
  });
  return svg + "</svg>\n";
}

/**
 * A dependency-free SVG bar chart of the constructions WebCrypto lacks: per case, our
 * throughput relative to its peer in the same rounds (log scale), with the issue's target
 * marked. `cases`: [{ what, ratio, target }] (target null: shown for reference only).
 */
export function constructionChart(cases, title) {
  const W = 760, L = 330, R = 70, T = 40, ROW = 26, B = 40;
  const H = T + cases.length * ROW + B;
  const vals = cases.flatMap((c) => [c.ratio, c.target ?? c.ratio, 1]);
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...vals)));
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(...vals)));
  const x = (v) => L + ((Math.log10(v) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (W - L - R);
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
  svg += `<rect width="${W}" height="${H}" fill="white"/>\n<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>\n`;
  for (let v = xMin; v <= xMax; v *= 10) {
    svg += `<line x1="${x(v)}" x2="${x(v)}" y1="${T - 6}" y2="${H - B}" stroke="#ddd"/><text x="${x(v)}" y="${H - B + 16}" text-anchor="middle">${v >= 1 ? v : v.toFixed(2)}×</text>\n`;
  }
  svg += `<line x1="${x(1)}" x2="${x(1)}" y1="${T - 6}" y2="${H - B}" stroke="#888"/>\n`;
  svg += `<text x="${(W - R + L) / 2}" y="${H - 8}" text-anchor="middle">aes-wasm throughput / peer's, same rounds (log); | = target</text>\n`;
  cases.forEach((c, i) => {
    const y = T + i * ROW;
    const met = c.target === null || c.ratio >= c.target;
    const color = c.target === null ? "#7f7f7f" : met ? "#2ca02c" : "#d62728";
    svg += `<text x="${L - 8}" y="${y + 15}" text-anchor="end">${esc(c.what)}</text>\n`;
    svg += `<rect x="${x(xMin)}" y="${y + 4}" width="${(x(c.ratio) - x(xMin)).toFixed(1)}" height="${ROW - 8}" fill="${color}"/>\n`;
    svg += `<text x="${(x(c.ratio) + 4).toFixed(1)}" y="${y + 15}">${c.ratio.toFixed(2)}×</text>\n`;
    if (c.target !== null) svg += `<line x1="${x(c.target).toFixed(1)}" x2="${x(c.target).toFixed(1)}" y1="${y + 1}" y2="${y + ROW - 1}" stroke="black" stroke-width="2"/>\n`;
  });
  return svg + "</svg>\n";
}
