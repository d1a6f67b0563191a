/*
 * refresh.js — auto-refresh without flicker for pages whose <body> has
 * data-refresh="SECONDS" (the overview and the charge point page).
 *
 * Every few seconds the page's own URL (with its filters) is fetched again
 * and each element marked data-live is replaced by its new version when it
 * changed.  The rest of the page — the scroll position, the filter form and
 * whatever is typed in it — is left alone.  A failed fetch keeps the last
 * content and marks the page stale until the next success.  Without
 * JavaScript the page falls back to <noscript><meta http-equiv=refresh>.
 */
(function () {
	"use strict";

	var body = document.body;
	var seconds = parseInt(body && body.getAttribute("data-refresh"), 10);
	if (!seconds || seconds < 1 || !window.fetch || !window.DOMParser)
		return;

	var timer = null;

	function schedule() {
		clearTimeout(timer);
		timer = setTimeout(refresh, seconds * 1000);
	}

	/* <details> that the user opened stay open across a swap. */
	function openDetails(root) {
		var ids = {};
		root.querySelectorAll("details[open]").forEach(function (d, i) {
			ids[d.id || "#" + i] = true;
		});
		return ids;
	}

	function swap(next) {
		document.querySelectorAll("[data-live][id]").forEach(function (el) {
			var fresh = next.getElementById(el.id);
			if (!fresh || fresh.innerHTML === el.innerHTML)
				return;
			var open = openDetails(el);
			var node = document.importNode(fresh, true);
			node.querySelectorAll("details").forEach(function (d, i) {
				if (open[d.id || "#" + i])
					d.open = true;
			});
			el.replaceWith(node);
		});
		if (next.title)
			document.title = next.title;
	}

	function refresh() {
		if (document.hidden) {
			schedule();
			return;
		}
		fetch(window.location.href, {
			credentials: "same-origin",
			cache: "no-store"
		}).then(function (res) {
			if (!res.ok)
				throw new Error("HTTP " + res.status);
			return res.text();
		}).then(function (html) {
			var next = new DOMParser().parseFromString(html, "text/html");
			swap(next);
			body.classList.remove("stale");
			body.setAttribute("data-refreshed", String(Date.now()));
		}).catch(function () {
			body.classList.add("stale");
		}).then(schedule);
	}

	/* Coming back to a hidden tab shows fresh data at once. */
	document.addEventListener("visibilitychange", function () {
		if (!document.hidden)
			refresh();
	});
	schedule();
})();
