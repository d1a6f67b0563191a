#!/usr/bin/env bash
# include-cycles.sh DIR — prints the circles in DIR's include graph, one
# per line (its modules, sorted), and exits 1 when there is one.
#
# A module is a basename: x.c and x.h (and x_int.h) are module x.  Module
# A uses B when A.c or A.h has #include "B.h" and DIR has B.h.  A circle
# is a strongly connected component of more than one module (Tarjan's
# algorithm, in awk: no python, nothing to install).
set -euo pipefail
dir=${1:?usage: include-cycles.sh DIR}
cd "$dir"
for f in *.c *.h; do
	[[ -e $f ]] || continue
	m=${f%.?}
	m=${m%_int}
	echo "M $m"
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$f" |
		while read -r inc; do
			b=${inc##*/}
			b=${b%_int}
			if [[ $b != "$m" && -e $b.h ]]; then
				echo "E $m $b"
			fi
		done
done | awk '
$1 == "M" { if (!($2 in seen)) { seen[$2] = 1; mods[++nm] = $2 } }
$1 == "E" { k = $2 SUBSEP $3; if (!(k in has)) { has[k] = 1; adj[$2, ++deg[$2]] = $3 } }
function sc(v,    i, w, comp, n, line) {
	idx[v] = low[v] = cnt++; st[++sp] = v; on[v] = 1
	for (i = 1; i <= deg[v]; i++) {
		w = adj[v, i]
		if (!(w in idx)) { sc(w); if (low[w] < low[v]) low[v] = low[w] }
		else if (on[w] && idx[w] < low[v]) low[v] = idx[w]
	}
	if (low[v] == idx[v]) {
		n = 0
		do { w = st[sp--]; on[w] = 0; comp[++n] = w } while (w != v)
		if (n > 1) {
			# sorted, space separated
			for (i = 2; i <= n; i++) { line = comp[i]; j = i - 1
				while (j > 0 && comp[j] > line) { comp[j + 1] = comp[j]; j-- }
				comp[j + 1] = line }
			line = comp[1]; for (i = 2; i <= n; i++) line = line " " comp[i]
			print line; found = 1
		}
	}
}
END {
	# sorted module order, as a reader would walk them
	for (i = 2; i <= nm; i++) { x = mods[i]; j = i - 1
		while (j > 0 && mods[j] > x) { mods[j + 1] = mods[j]; j-- }
		mods[j + 1] = x }
	for (i = 1; i <= nm; i++) if (!(mods[i] in idx)) sc(mods[i])
	exit found ? 1 : 0
}'
