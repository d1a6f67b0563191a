// tagimport.js — the id tag import form (templates/tags.tmpl): a chosen
// file is read into the form's text field, which is what gets sent, so
// the form stays an ordinary urlencoded POST with its CSRF token.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
	const file = document.getElementById('import-file');
	const text = document.querySelector('#import-form textarea[name="csv"]');
	if (!file || !text) return;
	file.addEventListener('change', () => {
		const f = file.files && file.files[0];
		if (!f) return;
		const reader = new FileReader();
		reader.onload = () => { text.value = String(reader.result); };
		reader.readAsText(f);
	});
});
