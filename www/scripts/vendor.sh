#!/bin/sh
# Copies the ES module builds of the pinned frontend libraries from
# www/node_modules (installed by `npm ci` in www/) into www/vendor/, which
# nginx serves as static files. vendor/ is never committed.
#
# The page has no import map: an inline <script type="importmap"> is inline
# script, which the CSP (script-src 'self') blocks, and browsers do not load
# import maps from a src URL. So the two bare specifiers that the builds
# contain ("preact" inside preact/hooks, "@kurkle/color" inside chart.js) are
# rewritten to relative paths while copying, and www/js/lib.js re-exports
# what the app uses. Files are named *.js (not *.mjs) because nginx's stock
# mime.types maps only .js to a JavaScript type, which module scripts need.
# Source-map comments are dropped (the maps are not copied).
#
# Result:
#   vendor/preact/preact.js         preact/dist/preact.mjs
#   vendor/preact/hooks.js          preact/hooks/dist/hooks.mjs   ("preact" -> ./preact.js)
#   vendor/htm/htm.js               htm/dist/htm.mjs
#   vendor/chart.js/chart.js        chart.js/dist/chart.js        ("@kurkle/color" -> ../kurkle-color/color.js)
#   vendor/chart.js/chunks/index.js chart.js/dist/chunks/index.js ("@kurkle/color" -> ../../kurkle-color/color.js)
#   vendor/kurkle-color/color.js    @kurkle/color/dist/color.esm.js
set -eu

www=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
nm="$www/node_modules"
out="$www/vendor"

for pkg in preact htm chart.js @kurkle/color; do
	if [ ! -f "$nm/$pkg/package.json" ]; then
		echo "vendor.sh: $nm/$pkg is missing; run 'npm ci' in $www first" >&2
		exit 1
	fi
done

# copy SRC DEST [FROM TO]: copy one file, drop its source-map comment and
# optionally rewrite one quoted module specifier FROM to TO. The file is
# replaced atomically and only when its content changed: every `make` runs
# this script, and a browser test running meanwhile must never see a
# missing or half-written file (nor a new ETag for the same content).
copy() {
	src="$nm/$1"
	dest="$out/$2"
	tmp="$dest.tmp.$$"
	mkdir -p "$(dirname -- "$dest")"
	if [ $# -eq 4 ]; then
		sed -e '/^\/\/# sourceMappingURL=/d' \
		    -e "s#\"$3\"#\"$4\"#g" -e "s#'$3'#'$4'#g" "$src" > "$tmp"
	else
		sed -e '/^\/\/# sourceMappingURL=/d' "$src" > "$tmp"
	fi
	if cmp -s "$tmp" "$dest"; then
		rm -f "$tmp"
	else
		mv "$tmp" "$dest"
	fi
	kept="$kept $2"
}

kept=""
copy preact/dist/preact.mjs          preact/preact.js
copy preact/hooks/dist/hooks.mjs     preact/hooks.js          preact        ./preact.js
copy htm/dist/htm.mjs                htm/htm.js
copy chart.js/dist/chart.js          chart.js/chart.js        @kurkle/color ../kurkle-color/color.js
copy chart.js/dist/chunks/index.js   chart.js/chunks/index.js @kurkle/color ../../kurkle-color/color.js
copy @kurkle/color/dist/color.esm.js kurkle-color/color.js

# Files of an earlier version of this list go (temporary files of a run
# that is still going on stay).
find "$out" -type f ! -name '*.tmp.*' | while IFS= read -r f; do
	case " $kept " in *" ${f#"$out"/} "*) ;; *) rm -f "$f" ;; esac
done

# Every import left must be relative: a bare specifier fails in the browser.
if grep -REn "(from|import)[[:space:]]*[\"'][^./][^\"']*[\"']" "$out"; then
	echo "vendor.sh: a bare module specifier is left in $out (see above)" >&2
	exit 1
fi
echo "vendor.sh: copied $(find "$out" -type f | wc -l) files into $out"
