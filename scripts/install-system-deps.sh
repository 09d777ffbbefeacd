#!/usr/bin/env bash
# Install the Debian packages veedel needs, where they are missing.
#   scripts/install-system-deps.sh run    -> chromium (PDF reports) and fonts
#   scripts/install-system-deps.sh test   -> additionally poppler-utils (PDF pages to PNG) and
#                                            LibreOffice Calc (opening the XLSX templates in tests)
# Without root rights (and without sudo) it prints what is missing and exits 0: the reports are then
# produced as HTML only and the tests that need a missing program are skipped with that reason.
set -u
mode="${1:-run}"
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ "$mode" = "test" ]; then
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo_cmd="sudo"
else
  echo "Hinweis: Systempakete fehlen (${need[*]}); bitte mit apt-get installieren. Ohne chromium entstehen nur HTML-Berichte." >&2
  exit 0
fi
echo "Installiere Systempakete: ${need[*]}"
$sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || echo "Hinweis: Installation von ${need[*]} fehlgeschlagen; PDF und einige Tests sind dann nicht verfügbar." >&2
exit 0
