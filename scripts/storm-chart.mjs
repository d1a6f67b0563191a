// storm-chart.mjs — the reconnect storm's chart: charge points online over
// time, one line per run, from cpsim --curve files ("seconds open booted
// online" per line), as a self-contained SVG.
//
//   node scripts/storm-chart.mjs OUT.svg TOTAL "label=curve-file" ...
import { readFileSync, writeFileSync } from 'node:fs';

const [out, totalArg, ...runs] = process.argv.slice(2);
if (!out || !totalArg || !runs.length) {
	console.error('usage: storm-chart.mjs OUT.svg TOTAL label=file ...');
	process.exit(2);
}
const total = Number(totalArg);
const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const series = runs.map((r) => {
	const i = r.indexOf('=');
	const label = r.slice(0, i);
	let pts = [];
	try {
		pts = readFileSync(r.slice(i + 1), 'utf8')
			.split('\n')
			.filter((l) => l && !l.startsWith('#'))
			.map((l) => l.trim().split(/\s+/).map(Number))
			.map(([t, , , online]) => [t, online]);
	} catch {
		/* a run that did not happen: an empty line in the legend */
	}
	return { label, pts };
});
const tmax = Math.max(1, ...series.flatMap((s) => s.pts.map((p) => p[0])));
const W = 720, H = 360, L = 70, R = 20, T = 20, B = 50;
const x = (t) => L + ((W - L - R) * t) / tmax;
const y = (n) => H - B - ((H - T - B) * n) / total;
const e = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
svg += `<rect width="${W}" height="${H}" fill="white"/>\n`;
const step = tmax > 40 ? 10 : tmax > 10 ? 5 : 1;
for (let t = 0; t <= tmax; t += step) {
	svg += `<line x1="${x(t)}" y1="${T}" x2="${x(t)}" y2="${H - B}" stroke="#ddd"/>`;
	svg += `<text x="${x(t)}" y="${H - B + 16}" text-anchor="middle">${t}</text>\n`;
}
for (let k = 0; k <= 4; k++) {
	const n = (total * k) / 4;
	svg += `<line x1="${L}" y1="${y(n)}" x2="${W - R}" y2="${y(n)}" stroke="#ddd"/>`;
	svg += `<text x="${L - 6}" y="${y(n) + 4}" text-anchor="end">${Math.round(n)}</text>\n`;
}
svg += `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">seconds after the restart</text>\n`;
svg += `<text x="16" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(T + H - B) / 2})">charge points online</text>\n`;
series.forEach((s, i) => {
	const c = colors[i % colors.length];
	if (s.pts.length)
		svg += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${s.pts
			.map(([t, n]) => `${x(t).toFixed(1)},${y(n).toFixed(1)}`)
			.join(' ')}"/>\n`;
	svg += `<rect x="${L + 12}" y="${T + 8 + i * 18}" width="14" height="4" fill="${c}"/>`;
	svg += `<text x="${L + 32}" y="${T + 14 + i * 18}">${e(s.label)}</text>\n`;
});
svg += '</svg>\n';
writeFileSync(out, svg);
