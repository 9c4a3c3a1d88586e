#!/usr/bin/env bash
# Refresh the translation catalogs of ckanext-dongchang:
#   1. re-extract every marked message (Python `_`/`N_`, Jinja2 `_()`) into the .pot;
#   2. merge the .pot into the zh_Hans_CN and en catalogs: new messages arrive untranslated
#      (no fuzzy guesses, since fuzzy entries are compiled and would be shown to users);
#   3. fill the English catalog (English is the source language: msgstr = msgid);
#   4. compile each .po to the .mo next to it (.mo files are git-ignored; `make i18n` does 4 only).
# Then translate the new, empty zh_Hans_CN entries (tests/i18n/test_catalogs.py fails
# until every message has a Chinese translation).
#
# Usage: ckanext/dongchang/i18n/update.sh   (from anywhere; PYBABEL/PYTHON override the venv's)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"

PYBABEL="${PYBABEL:-$ROOT/.venv/bin/pybabel}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
DOMAIN=ckanext-dongchang
I18N=ckanext/dongchang/i18n
POT="$I18N/$DOMAIN.pot"
LOCALES=(zh_Hans_CN en)
WIDTH=100

# babel.cfg's patterns (ckanext/**.py, ckanext/**/templates/**.html) are relative to the project
# root, so extraction starts there; babel skips dot-directories such as .venv on its own.
"$PYBABEL" extract -F babel.cfg -k N_ -k _ -c TRANSLATORS: -w "$WIDTH" \
    --project "$DOMAIN" --version "$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)" \
    -o "$POT" . >/dev/null

for locale in "${LOCALES[@]}"; do
    "$PYBABEL" update -D "$DOMAIN" -i "$POT" -d "$I18N" -l "$locale" -w "$WIDTH" \
        --init-missing --no-fuzzy-matching
done

"$PYTHON" - "$I18N/en/LC_MESSAGES/$DOMAIN.po" "$WIDTH" <<'EOF'
"""English is the source language: every empty msgstr becomes its msgid."""
import sys

from babel.messages.pofile import read_po, write_po

path, width = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as po:
    catalog = read_po(po)
changed = False
for message in catalog:
    if not message.id:
        continue
    if isinstance(message.id, tuple):
        if not any(message.string):
            message.string = (message.id[0],) + (message.id[1],) * (len(message.string) - 1)
            changed = True
    elif not message.string:
        message.string = message.id
        changed = True
if changed:
    with open(path, "wb") as po:
        write_po(po, catalog, width=width)
EOF

for locale in "${LOCALES[@]}"; do
    po="$I18N/$locale/LC_MESSAGES/$DOMAIN.po"
    "$PYBABEL" compile --use-fuzzy --statistics -D "$DOMAIN" -l "$locale" -i "$po" -o "${po%.po}.mo"
done
