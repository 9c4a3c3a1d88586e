"""Refresh the catalogs and fill in Chinese translations, under a lock.

    .venv/bin/python ckanext/dongchang/i18n/translate.py translations.json
    .venv/bin/python ckanext/dongchang/i18n/translate.py --missing   # list untranslated msgids

``translations.json`` maps an English msgid to its Chinese text. The script takes a lock
(several people or helpers may translate at once), runs ``update.sh`` (re-extract, merge,
fill the English catalog, compile), writes the given Chinese strings into the zh_Hans_CN
catalog and compiles it again. A msgid the sources no longer contain is reported, not added.
"""
from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

I18N = Path(__file__).resolve().parent
DOMAIN = "ckanext-dongchang"
ZH = I18N / "zh_Hans_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
WIDTH = 100


def _read(path: Path):
    with path.open("rb") as po:
        return read_po(po)


def _write(catalog, path: Path) -> None:
    with path.open("wb") as po:
        write_po(po, catalog, width=WIDTH)
    with path.with_suffix(".mo").open("wb") as mo:
        write_mo(mo, catalog)


def missing() -> list[str]:
    return [m.id if isinstance(m.id, str) else m.id[0]
            for m in _read(ZH) if m.id and not any(
                m.string if isinstance(m.string, tuple) else (m.string,))]


def main(argv: list[str]) -> int:
    with open("/tmp/ckanext-dongchang-i18n.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run([str(I18N / "update.sh")], capture_output=True, text=True)
        if done.returncode:
            print(done.stdout, done.stderr, file=sys.stderr)
            return done.returncode
        if argv == ["--missing"]:
            print("\n".join(missing()))
            return 0
        translations: dict[str, str] = {}
        for name in argv:
            translations.update(json.loads(Path(name).read_text(encoding="utf-8")))
        catalog = _read(ZH)
        unknown = []
        for msgid, text in translations.items():
            message = catalog.get(msgid)
            if message is None:
                unknown.append(msgid)
                continue
            message.string = (text,) if isinstance(message.id, tuple) else text
            message.flags.discard("fuzzy")
        _write(catalog, ZH)
        for msgid in unknown:
            print(f"not in the sources (mark it with _ or N_ first): {msgid!r}", file=sys.stderr)
        left = missing()
        if left:
            print(f"{len(left)} messages still lack Chinese (--missing lists them)",
                  file=sys.stderr)
        return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
