// api-docs.js — renders /cgi-bin/api/openapi.json into api-docs.html;
// every text from the document goes in through textContent, never
// innerHTML.  A file, not an inline script: the page's CSP allows no
// inline script at all.
'use strict';
(function () {
	// The description sits beside this page: /static/ and /cgi-bin/
	// share a prefix.  ?spec=URL picks another (same origin only).
	var spec = '../cgi-bin/api/openapi.json';
	var asked = new URLSearchParams(location.search).get('spec');
	if (asked && new URL(asked, location.href).origin === location.origin) spec = asked;
	var doc;

	function el(tag, text, cls) {
		var e = document.createElement(tag);
		if (text !== undefined && text !== null) e.textContent = String(text);
		if (cls) e.className = cls;
		return e;
	}

	function refName(ref) {
		return ref.replace(/^#\/components\/[a-z]+\//i, '');
	}

	function resolve(obj) {
		var seen = 0;
		while (obj && obj.$ref && seen++ < 10) {
			var path = obj.$ref.replace(/^#\//, '').split('/');
			obj = path.reduce(function (o, k) { return o && o[k]; }, doc);
		}
		return obj || {};
	}

	// A one-line description of a schema: "integer", "string | null",
	// "array of Transaction", a link for named schemas.
	function typeOf(s) {
		var span = el('span');
		if (!s) return span;
		if (s.$ref) {
			var a = el('a', refName(s.$ref));
			a.href = '#schema-' + refName(s.$ref);
			span.appendChild(a);
			return span;
		}
		if (s.allOf) {
			s.allOf.forEach(function (p, i) {
				if (i) span.appendChild(document.createTextNode(' + '));
				span.appendChild(p.$ref ? typeOf(p) : el('span', 'object'));
			});
			return span;
		}
		if (s.type === 'array') {
			span.appendChild(document.createTextNode('array of '));
			span.appendChild(typeOf(s.items));
			return span;
		}
		var t = s.type || 'any';
		if (s.format) t += ' (' + s.format + ')';
		if (s.enum) t += ': ' + s.enum.join(' | ');
		if (s.minimum !== undefined || s.maximum !== undefined)
			t += ' ' + (s.minimum !== undefined ? s.minimum : '') + '..' + (s.maximum !== undefined ? s.maximum : '');
		if (s.maxLength !== undefined) t += ', at most ' + s.maxLength + ' characters';
		if (s.default !== undefined) t += ', default ' + s.default;
		if (s.nullable) t += ' | null';
		span.textContent = t;
		return span;
	}

	function table(head, rows) {
		var t = el('table'), tr = el('tr');
		head.forEach(function (h) { tr.appendChild(el('th', h)); });
		t.appendChild(tr);
		rows.forEach(function (r) {
			var row = el('tr');
			r.forEach(function (c) {
				var td = el('td');
				if (c instanceof Node) td.appendChild(c);
				else td.textContent = c === undefined ? '' : String(c);
				row.appendChild(td);
			});
			t.appendChild(row);
		});
		return t;
	}

	function renderOp(path, method, op) {
		var box = el('section', undefined, 'op');
		box.id = op.operationId || (method + path);
		var head = el('header');
		head.appendChild(el('span', method.toUpperCase(), 'method'));
		head.appendChild(el('code', path));
		head.appendChild(el('span', op.summary || '', 'muted'));
		box.appendChild(head);
		var body = el('div');
		var params = (op.parameters || []).map(resolve);
		if (params.length) {
			body.appendChild(el('h4', 'Parameters'));
			body.appendChild(table(['name', 'in', 'type', 'description'], params.map(function (p) {
				return [el('code', p.name + (p.required ? ' *' : '')), p.in, typeOf(p.schema), p.description || ''];
			})));
		}
		body.appendChild(el('h4', 'Responses'));
		var rows = Object.keys(op.responses || {}).map(function (code) {
			var r = resolve(op.responses[code]);
			var types = el('span');
			Object.keys(r.content || {}).forEach(function (ct, i) {
				if (i) types.appendChild(document.createTextNode(', '));
				types.appendChild(el('code', ct + ' '));
				types.appendChild(typeOf(r.content[ct].schema));
			});
			return [el('code', code), r.description || '', types];
		});
		body.appendChild(table(['status', 'meaning', 'body'], rows));
		var example = doc.servers && doc.servers[0] ? doc.servers[0].url + path : path;
		body.appendChild(el('pre', 'curl -s ' + location.origin + example));
		box.appendChild(body);
		return box;
	}

	function renderSchema(name, s) {
		var box = el('section');
		box.id = 'schema-' + name;
		box.appendChild(el('h3', name));
		var parts = s.allOf ? s.allOf : [s];
		parts.forEach(function (p) {
			if (p.$ref) {
				var line = el('p', 'Every field of ');
				line.appendChild(typeOf(p));
				line.appendChild(document.createTextNode(', and:'));
				box.appendChild(line);
				return;
			}
			if (p.nullable) box.appendChild(el('p', 'May be null.', 'muted'));
			var props = p.properties || {};
			var req = p.required || [];
			var names = Object.keys(props);
			if (!names.length) {
				box.appendChild(el('p', typeOf(p).textContent));
				return;
			}
			box.appendChild(table(['field', 'type', 'description'], names.map(function (n) {
				var f = props[n];
				return [el('code', n + (req.indexOf(n) >= 0 ? '' : ' (optional)')), typeOf(f), f.description || ''];
			})));
		});
		return box;
	}

	function render() {
		document.title = doc.info.title;
		document.getElementById('title').textContent = doc.info.title;
		document.getElementById('version').textContent = 'version ' + doc.info.version + ' · OpenAPI ' + doc.openapi;
		document.getElementById('base').textContent = doc.servers && doc.servers[0] ? doc.servers[0].url : '';
		document.getElementById('description').textContent = doc.info.description || '';
		var toc = el('ul'), ops = document.getElementById('ops');
		Object.keys(doc.paths).forEach(function (path) {
			Object.keys(doc.paths[path]).forEach(function (method) {
				var op = doc.paths[path][method];
				var box = renderOp(path, method, op);
				ops.appendChild(box);
				var li = el('li'), a = el('a');
				a.href = '#' + box.id;
				a.appendChild(el('code', method.toUpperCase() + ' ' + path));
				li.appendChild(a);
				li.appendChild(document.createTextNode(' — ' + (op.summary || '')));
				toc.appendChild(li);
			});
		});
		document.getElementById('toc').appendChild(toc);
		var schemas = (doc.components && doc.components.schemas) || {};
		var holder = document.getElementById('schemas');
		Object.keys(schemas).forEach(function (n) {
			holder.appendChild(renderSchema(n, schemas[n]));
		});
		document.getElementById('schemas-title').hidden = false;
	}

	fetch(spec, { headers: { Accept: 'application/json' } })
		.then(function (r) {
			if (!r.ok) throw new Error(spec + ': HTTP ' + r.status);
			return r.json();
		})
		.then(function (d) { doc = d; render(); })
		.catch(function (e) {
			var p = document.getElementById('error');
			p.textContent = 'Could not load the API description: ' + e.message;
			p.hidden = false;
		});
})();
