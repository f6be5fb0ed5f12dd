#!/bin/sh
# Regenerates the embedded DejaVu Sans subsets from the system copies. The committed files were
# made from DejaVu Sans 2.37 (Debian bookworm fonts-dejavu-core 2.37-6) with fontTools 4.38
# (python3-fonttools). Why a subset: gofpdf parses the whole TrueType file for every document, so a
# font with 6 000 glyphs costs several milliseconds per PDF. The subset keeps the scripts that
# names and text in Swedish school records use (Latin incl. Vietnamese, Greek, Cyrillic),
# punctuation and the few symbols the renderer draws; other runes are printed as U+FFFD.
# The Bitstream Vera / Arev licence (LICENSE) allows modified copies under a name without
# "Bitstream", "Vera", "Arev" or "Tavmjong Bah"; "DejaVu Sans" qualifies.
set -eu
src=${DEJAVU_DIR:-/usr/share/fonts/truetype/dejavu}
out=$(dirname "$0")
unicodes="U+0020-007E,U+00A0-024F,U+02B0-036F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-218F,U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+2610-2612,U+2713-2718,U+FB00-FB06,U+FFFD"
for f in DejaVuSans DejaVuSans-Bold; do
	python3 -m fontTools.subset "$src/$f.ttf" \
		--unicodes="$unicodes" \
		--layout-features='' \
		--drop-tables+=GPOS,GSUB,GDEF,kern,MATH,FFTM \
		--name-IDs='*' --name-languages='*' --notdef-outline --glyph-names \
		--output-file="$out/$f.ttf"
done
