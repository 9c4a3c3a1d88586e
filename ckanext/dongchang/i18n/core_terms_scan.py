"""Find CKAN's own Chinese strings that use wrong or inconsistent terms, and fix them in ours.

    .venv/bin/python ckanext/dongchang/i18n/core_terms_scan.py            # write both files
    .venv/bin/python ckanext/dongchang/i18n/core_terms_scan.py --check    # fail if out of date

CKAN's zh_Hans_CN catalog says 登陆 for log in, 登记 for register, 追从者 for followers, 授权 for
licence, mixes traditional characters (欢迎來到, 沒有) and calls an entry 数据集, a file 资源
and a department 机构 or 组织. Flask-Babel merges every ``ITranslation`` catalog over CKAN's
(``flask_babel.Domain.get_translations``: later catalogs win), so a msgid in our catalog
overrides CKAN's translation. This script reads CKAN's catalog, applies :data:`RULES` to each
translation, and writes

* ``core_terms.py``: the msgids whose translation changes, marked ``N_``/``ngettext`` so that
  ``update.sh`` extracts them into our catalog (``translate.py`` only fills msgids that the
  sources contain), and
* ``core_terms.json``: msgid -> corrected Chinese, for ``translate.py``.

Rerun it after upgrading CKAN. ``tests/i18n/test_core_terms.py`` renders pages in Chinese and
fails on any of the wrong terms.
"""
from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po

I18N = Path(__file__).resolve().parent
MODULE = I18N / "core_terms.py"
TRANSLATIONS = I18N / "core_terms.json"

# Traditional characters CKAN's simplified catalog slipped in, and their simplified forms.
TRADITIONAL = str.maketrans({"數": "数", "據": "据", "來": "来", "沒": "没", "歡": "欢",
                             "這": "这", "個": "个", "為": "为", "與": "与", "關": "关",
                             "們": "们", "發": "发", "時": "时", "會": "会", "說": "说",
                             "請": "请", "對": "对", "頁": "页", "錯": "错", "誤": "误",
                             "無": "无", "權": "权", "訊": "讯", "資": "资", "檔": "档",
                             "將": "将", "開": "开", "選": "选", "擇": "择", "編": "编",
                             "輯": "辑", "區": "区", "組": "组", "織": "织", "標": "标",
                             "籤": "签", "尋": "寻", "結": "结", "類": "类", "別": "别",
                             "應": "应", "變": "变", "號": "号", "碼": "码", "電": "电",
                             "郵": "邮", "網": "网", "檢": "检", "視": "视", "圖": "图",
                             "務": "务", "讀": "读", "寫": "写", "點": "点", "擊": "击",
                             "狀": "状", "態": "态", "條": "条", "項": "项", "後": "后",
                             "從": "从", "過": "过", "覽": "览", "傳": "传", "載": "载",
                             "舊": "旧", "當": "当", "間": "间", "顯": "显"})

Rule = tuple[str, str, str, Callable[[str], bool]]


def _always(_msgid: str) -> bool:
    return True


def _mentions(*words: str) -> Callable[[str], bool]:
    pattern = re.compile("|".join(words), re.IGNORECASE)
    return lambda msgid: bool(pattern.search(msgid))


# (wrong, right, why, applies to msgid): applied in this order to every CKAN translation.
RULES: tuple[Rule, ...] = (
    ("登陆", "登录", "log in is 登录", _always),
    ("登记", "注册", "register (an account) is 注册", _mentions("regist", "sign up")),
    ("追从者", "关注者", "followers are 关注者", _always),
    ("价值", "值", "a field's value is 值", _mentions("value")),
    ("授权", "许可协议", "a licence is 许可协议", _mentions("licen[cs]e")),
    ("社会", "分享", "social (buttons) is 分享", _mentions("social")),
    ("文挡", "文档", "typo of 文档", _always),
    ("资料", "数据", "data is 数据", _always),
    # The regulation's terms: an entry is a 目录条目, its file a 资源文件, a department a 部门.
    ("数据集", "目录条目", "an entry is a 目录条目", _always),
    ("资源(?!文件)", "资源文件", "a file is a 资源文件", _mentions("resource")),
    ("组织机构", "部门", "an organisation is a 部门", _always),
    ("机构", "部门", "an organisation is a 部门", _mentions("organi[sz]ation")),
    ("组织", "部门", "an organisation is a 部门", _mentions("organi[sz]ation")),
)
# What must never be on a Chinese page (the test's list): the unambiguous ones.
WRONG_TERMS: tuple[str, ...] = ("登陆", "追从者", "文挡", "數據", "來", "沒", "欢迎來到",
                                "数据集", "机构")


def ckan_catalog_path() -> Path:
    import ckan
    return Path(ckan.__file__).parent / "i18n" / "zh_Hans_CN" / "LC_MESSAGES" / "ckan.po"


def corrected(msgid: str, text: str) -> str:
    text = text.translate(TRADITIONAL)
    for wrong, right, _why, applies in RULES:
        if applies(msgid):
            text = re.sub(wrong, right, text)
    return text


def overrides() -> dict[str | tuple[str, str], str]:
    """msgid (a (singular, plural) pair for plural messages) -> corrected translation."""
    with ckan_catalog_path().open("rb") as po:
        catalog = read_po(po)
    found: dict[str | tuple[str, str], str] = {}
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        text = strings[0] if strings else ""
        if not text:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        fixed = corrected(msgid, text)
        if fixed != text:
            key = tuple(message.id[:2]) if isinstance(message.id, tuple) else message.id
            found[key] = fixed
    return found


def module_text(found: dict[str | tuple[str, str], str]) -> str:
    lines = [
        "# ruff: noqa: E501  (CKAN's msgids are kept byte-identical, however long)",
        '"""CKAN core msgids whose Chinese translation uses a wrong or inconsistent term.',
        "",
        "Generated by ``core_terms_scan.py`` (do not edit by hand; rerun it after upgrading",
        "CKAN). Nothing reads these at run time: they are marked so that extraction",
        "(``update.sh``) keeps them in our catalog, whose translation then overrides CKAN's",
        "(``core_terms.json`` holds the corrected Chinese).",
        '"""',
        "from __future__ import annotations",
        "",
        "from ckanext.dongchang.kernel.messages import N_",
        "",
        "",
        "def ngettext(singular: str, plural: str, count: int) -> str:",
        '    """A marker for extraction of a plural msgid (babel knows the name)."""',
        "    return singular",
        "",
        "",
        "CORE_TERMS = (",
    ]
    for key in sorted(found, key=lambda k: k if isinstance(k, str) else k[0]):
        if isinstance(key, tuple):
            lines.append(f"    ngettext({json.dumps(key[0], ensure_ascii=False)},"
                         f" {json.dumps(key[1], ensure_ascii=False)}, 1),")
        else:
            lines.append(f"    N_({json.dumps(key, ensure_ascii=False)}),")
    lines.append(")")
    return "\n".join(lines) + "\n"


def translations_text(found: dict[str | tuple[str, str], str]) -> str:
    flat = {(k if isinstance(k, str) else k[0]): v for k, v in sorted(
        found.items(), key=lambda kv: kv[0] if isinstance(kv[0], str) else kv[0][0])}
    return json.dumps(flat, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> int:
    found = overrides()
    texts = {MODULE: module_text(found), TRANSLATIONS: translations_text(found)}
    if argv == ["--check"]:
        stale = [path.name for path, text in texts.items()
                 if not path.exists() or path.read_text(encoding="utf-8") != text]
        if stale:
            print(f"out of date, rerun core_terms_scan.py: {', '.join(stale)}", file=sys.stderr)
            return 1
        return 0
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    print(f"{len(found)} CKAN msgids overridden")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
