// Opens a gdbench-report page in headless Chromium (playwright-core, Debian's /usr/bin/chromium) and
// checks what a reader sees: no console errors, the summary names the fastest configuration of the
// fixture (computed here from the fixture's JSON, independently of the report), every plot has
// data, a legend click hides its series and a second one shows it, and the x-axis switch redraws.
// Usage: node report_browser.js PLAYWRIGHT_CORE_DIR CHROMIUM PAGE FIXTURE.json [SCREENSHOT.png]
"use strict";
const [pwdir, chromiumPath, page, fixture, shot] = process.argv.slice(2);
const { chromium } = require(pwdir);
const fs = require("fs");

let n = 0, fails = 0;
function check(what, ok) {
	n++;
	if (!ok)
		fails++;
	console.log(`${ok ? "ok" : "not ok"} ${n} - ${what}`);
}

// The fastest configuration to the first target: the median over repetitions of train_s (a
// repetition that missed it counts as infinite), configurations keyed as the report names them.
function fastest(doc) {
	const cfg = new Map();
	for (const r of doc.runs) {
		const label = r.optimizer.name + (r.threads > 1 ? ` T=${r.threads}` : "") +
			(r.kernels.update.includes("/scalar") ? " [scalar]" : "");
		const key = `${label}|${r.mode}|${r.batch}`;
		const t = r.summary.time_to_target[0].train_s;
		if (!cfg.has(key))
			cfg.set(key, { label, t: [] });
		cfg.get(key).t.push(t === null ? Infinity : t);
	}
	let best = null;
	for (const c of cfg.values()) {
		const s = c.t.sort((a, b) => a - b), m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
		if (best === null || m < best.m)
			best = { label: c.label, m };
	}
	return { label: best.label, target: doc.runs[0].summary.time_to_target[0].target };
}

(async () => {
	const want = fastest(JSON.parse(fs.readFileSync(fixture, "utf8")));
	const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
	const p = await browser.newPage({ viewport: { width: 1100, height: 900 } });
	const errors = [];
	p.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
	p.on("pageerror", e => errors.push(e.message));
	await p.goto("file://" + page, { waitUntil: "load", timeout: 60000 });
	await p.waitForFunction("window.gdReady === true", null, { timeout: 20000 }).catch(() => {});
	check("the plots' script ran (window.gdReady)", await p.evaluate(() => window.gdReady === true));

	// the summary's row for the first target names the fastest configuration in bold
	const row = await p.evaluate(t => {
		const th = Array.from(document.querySelectorAll("#summary th")).find(e => e.textContent.startsWith(`Fastest to loss ≤ ${t},`));
		const b = th && th.parentElement.querySelector("td b");
		return b ? b.textContent : null;
	}, want.target);
	check(`summary names the fastest to ${want.target}: '${row}' (expected '${want.label}')`, row === want.label);

	const plots = await p.evaluate(() => window.gdPlots.map(q => ({
		id: q.id, series: q.u.series.length - 1,
		// series 1.. with at least one finite y, and the canvas drawn at a size
		withData: q.u.data.slice(1).filter(c => c.some(v => v !== null && isFinite(v))).length,
		canvas: q.u.root.querySelector("canvas").width > 0
	})));
	check(`plots drawn: ${plots.length}`, plots.length > 0);
	for (const q of plots)
		check(`${q.id}: every series has data (${q.withData} of ${q.series}), canvas drawn`, q.series > 0 && q.withData === q.series && q.canvas);

	// toggling: the first series' legend entry hides it, a second click shows it again
	const legend = p.locator("#plot0 .u-legend tr.u-series").nth(1);
	await legend.click();
	// (with its min-max band, series 2 and 3 when the fixture's repetitions give it one)
	const hidden = await p.evaluate(() => { const u = window.gdPlots[0].u, band = u.series[2] && / min$/.test(u.series[2].label);
		return { show: u.series[1].show, band: !band || (!u.series[2].show && !u.series[3].show),
			off: document.querySelectorAll("#plot0 .u-legend tr.u-series")[1].classList.contains("u-off") }; });
	check("a legend click hides its series and its band", hidden.show === false && hidden.off && hidden.band);
	await legend.click();
	check("a second click shows it again", await p.evaluate(() => window.gdPlots[0].u.series[1].show === true));

	// the x axis switch: epochs, with data still in every series
	const sw = p.locator("#plot0 .gdxswitch button[data-x=epoch]");
	if (await sw.count()) {
		await sw.click();
		const ep = await p.evaluate(() => { const u = window.gdPlots[0].u;
			return { label: u.axes[0].label, data: u.data.slice(1).every(c => c.some(v => v !== null)) }; });
		check(`x axis switched to epochs ('${ep.label}'), series still drawn`, ep.label === "epochs" && ep.data);
	}
	if (shot)
		await p.screenshot({ path: shot, fullPage: true });
	check(`no console errors${errors.length ? ": " + errors.join(" | ") : ""}`, errors.length === 0);
	await browser.close();
	console.log(`1..${n}`);
	console.log(`report_browser: ${n - fails} passed, ${fails} failed`);
	process.exit(fails ? 1 : 0);
})().catch(e => { console.log(`not ok - ${e.message}`); process.exit(1); });
