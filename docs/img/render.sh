#!/usr/bin/env bash
# Re-render the README's report images from the shipped scenarios (needs chromium, pdftoppm).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export SOURCE_DATE_EPOCH=1448928000 IPSCORE_DB="$out/none.sqlite"
ipscore report scenarios/wuhan-2015.yaml -o "$out/wuhan.html" --mode self-check >/dev/null
ipscore report scenarios/wuhan-2015.yaml -o "$out/wuhan.pdf" --mode self-check >/dev/null
ipscore report scenarios/ -o "$out/cohort.html" >/dev/null
shoot() {
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-sync \
    --user-data-dir="$out/profile" --screenshot="$2" --window-size=1000,1250 "file://$1" \
    >/dev/null 2>&1
}
shoot "$out/wuhan.html" docs/img/wuhan.png
shoot "$out/cohort.html" docs/img/cohort.png
pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$out/wuhan.pdf" docs/img/wuhan-pdf-1
# The fill-in form as printed (needs LibreOffice Calc: libreoffice-calc-nogui).
ipscore template --pack cnipa-2015-demo-city -o "$out/form.xlsx" >/dev/null
soffice -env:UserInstallation="file://$out/lo" --headless --convert-to pdf --outdir "$out" \
  "$out/form.xlsx" >/dev/null 2>&1
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$out/form.pdf" docs/img/form
# The strength evaluation's PDF, first page of city cards (radar charts).
ipscore strength scenarios/strength-2015/ --uncertainty 1000 -o "$out/strength.pdf" >/dev/null 2>&1
pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$out/strength.pdf" docs/img/strength-pdf-1
pdftoppm -png -r 70 -f 5 -l 5 -singlefile "$out/strength.pdf" docs/img/strength-pdf-5
# ipscore serve in Chromium (needs chromium-driver): the pages the browser tests walk through,
# those the README shows (the tests also shoot every page at 1366 and 390 px).
mkdir "$out/web"
IPSCORE_SCREENSHOTS="$out/web" python -m pytest -q tests/test_browser.py >/dev/null
for name in home check whatif cohort verify check-phone verify-phone; do
  cp "$out/web/web-$name.png" docs/img/
done
