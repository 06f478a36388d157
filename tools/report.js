/* gdbench-report's plots: draws every <script class=gdspec> (the spec is described in
 * tools/report_plot.h) with uPlot into the <div> it names. Hover shows the values in the legend,
 * dragging across the plot zooms the x axis (double-click resets), clicking a legend entry hides
 * or shows its series, and buttons switch the x axis (training seconds or epochs). The drawn plots
 * are listed in window.gdPlots ({id, spec, u}) for tests/report_browser.js. */
(function () {
	"use strict";
	/* 3 significant digits; exponents outside [1e-3, 1e5) so that a log axis never reads 0.00010 */
	function fmt(v) {
		if (v == null || !isFinite(v))
			return v == null ? "-" : String(v);
		var a = Math.abs(v);
		if (Number.isInteger(v) && a < 1e7) /* batch sizes, counts: all digits */
			return String(v);
		if (a !== 0 && (a < 1e-3 || a >= 1e5)) /* "1e-4", "2.5e6" */
			return (+v.toExponential(2).split("e")[0]) + "e" + (+v.toExponential(2).split("e")[1]);
		return String(+v.toPrecision(3));
	}

	/* Axis labels: a log axis leaves out some of its ticks' labels (null) */
	function ticks(u, vals) {
		return vals.map(function (v) { return v == null ? "" : fmt(v); });
	}

	/* The range of a scale, widened to show every target line. */
	function yRange(spec) {
		return function (u, min, max) {
			(spec.hlines || []).forEach(function (h) {
				min = Math.min(min, h.y);
				max = Math.max(max, h.y);
			});
			if (min == null || !isFinite(min))
				return [spec.ylog ? 0.1 : 0, 1];
			if (spec.ylog)
				return [min / 1.08, max * 1.08]; /* tight: whole decades would flatten the curves */
			var pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
			return [Math.min(0, min) === 0 && min >= 0 ? 0 : min - pad, max + pad];
		};
	}

	function drawTargets(spec) {
		return function (u) {
			var c = u.ctx, left = u.bbox.left, right = left + u.bbox.width;
			c.save();
			c.setLineDash([6, 4]);
			c.lineWidth = 1.5 * devicePixelRatio;
			c.strokeStyle = "#444";
			c.fillStyle = "#444";
			c.font = 11 * devicePixelRatio + "px sans-serif";
			c.textAlign = "right";
			(spec.hlines || []).forEach(function (h, i) {
				var y = u.valToPos(h.y, "y", true);
				if (y < u.bbox.top || y > u.bbox.top + u.bbox.height)
					return;
				c.beginPath();
				c.moveTo(left, y);
				c.lineTo(right, y);
				c.stroke();
				/* labels alternate above and below their lines: close targets stay readable */
				c.fillText(h.label, right - 4 * devicePixelRatio, y + (i % 2 ? 12 : -3) * devicePixelRatio);
			});
			c.restore();
		};
	}

	/* One uPlot of spec against x axis xi, showing the series whose show[i] is true. */
	function build(el, spec, xi, shown) {
		var xk = spec.x[xi], tables = [], opts = {
			title: spec.title,
			width: Math.max(480, Math.min(960, el.clientWidth || 900)),
			height: spec.height || 360,
			scales: { x: { time: false }, y: { range: yRange(spec) } },
			axes: [
				{ label: xk.label, values: ticks },
				{ label: spec.ylabel, size: 70, values: ticks }
			],
			series: [{ label: xk.label, value: function (u, v) { return fmt(v); } }],
			bands: [],
			legend: { live: true },
			cursor: { drag: { x: true, y: false } },
			hooks: { draw: [drawTargets(spec)] }
		};
		if (xk.log)
			opts.scales.x.distr = 3, opts.scales.x.log = 2;
		if (spec.ylog)
			opts.scales.y.distr = 3;
		var companions = {}, hidden = [];
		spec.series.forEach(function (s, i) {
			var xs = s.x[xk.key], cols = [xs, s.y[xk.key]], base = opts.series.length;
			opts.series.push({
				label: s.label, stroke: s.color, dash: s.dash, width: s.width || 2, spanGaps: true,
				show: shown[i], points: { show: !!spec.points, size: 5, fill: s.color },
				value: function (u, v) { return fmt(v); }
			});
			if (s.lo && s.hi) { /* the repetitions' range: a band between two unlabelled series */
				cols.push(s.lo[xk.key], s.hi[xk.key]);
				["min", "max"].forEach(function (w) {
					opts.series.push({ label: s.label + " " + w, stroke: "transparent", width: 0, spanGaps: true,
						show: shown[i], points: { show: false }, value: function (u, v) { return fmt(v); } });
				});
				opts.bands.push({ series: [base + 2, base + 1], fill: s.color + "22" });
				companions[base] = [base + 1, base + 2];
				hidden.push(base + 1, base + 2);
			}
			tables.push(cols);
		});
		opts.hooks.setSeries = [function (u, i, o) {
			(companions[i] || []).forEach(function (j) {
				if (o && o.show !== undefined && u.series[j].show !== o.show)
					u.setSeries(j, { show: o.show });
			});
		}];
		/* join leaves holes where one series has an x that another has not: lines span
		 * them; a band's edges take their previous value within their own range (a
		 * band is a step function of time: the last evaluation holds), so bands have no gaps */
		var data = uPlot.join(tables);
		hidden.forEach(function (c) {
			var col = data[c], last = -1;
			for (var i = 0; i < col.length; i++)
				if (col[i] != null)
					last = i;
			for (var j = 1; j < last; j++)
				if (col[j] == null && col[j - 1] != null)
					col[j] = col[j - 1];
		});
		var u = new uPlot(opts, data, el);
		var rows = u.root.querySelectorAll(".u-legend .u-series");
		hidden.forEach(function (j) { if (rows[j]) rows[j].style.display = "none"; });
		return u;
	}

	var plots = [];
	window.gdPlots = plots;
	document.querySelectorAll("script.gdspec").forEach(function (tag) {
		var spec = JSON.parse(tag.textContent), el = document.getElementById(tag.dataset.for);
		var p = { id: el.id, spec: spec, xi: 0, u: null };
		var box = document.createElement("div");
		el.appendChild(box);
		function shownNow() {
			return spec.series.map(function (s, i) {
				if (!p.u)
					return true;
				var lab = p.u.series.filter(function (q) { return q.label === s.label; })[0];
				return lab ? lab.show : true;
			});
		}
		function draw() {
			var shown = shownNow();
			if (p.u)
				p.u.destroy();
			p.u = build(box, spec, p.xi, shown);
		}
		if (spec.x.length > 1) { /* the x axis switch, before the plot */
			var bar = document.createElement("div");
			bar.className = "gdxswitch";
			bar.appendChild(document.createTextNode("x axis: "));
			spec.x.forEach(function (xk, i) {
				var b = document.createElement("button");
				b.textContent = xk.label;
				b.dataset.x = xk.key;
				b.disabled = i === 0;
				b.addEventListener("click", function () {
					p.xi = i;
					bar.querySelectorAll("button").forEach(function (o, j) { o.disabled = j === i; });
					draw();
				});
				bar.appendChild(b);
			});
			el.insertBefore(bar, box);
		}
		draw();
		plots.push(p);
	});
	window.gdReady = true;
})();
