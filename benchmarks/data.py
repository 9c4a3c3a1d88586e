"""Deterministic benchmark data: departments, users and catalog entries.

The same seed always gives the same data, so both sites (and repeated runs) hold identical
catalogs. Entries satisfy ckanext-dongchang's schema (tests/entries.py, policy/classes.py):
conditional classes carry conditions, anything less than unconditional carries a reason and a
legal basis, open is never wider than share, published entries carry a passed confidentiality
review with reviewer and date.
"""
from __future__ import annotations

import json
import random
from typing import Any

DISTRICT = "371502"
PASSWORD = "bench-password-2026"
SYSADMIN = "bench-admin"
LEGAL_BASIS = "《中华人民共和国个人信息保护法》第十三条"
LEGAL_BASIS_2 = "《中华人民共和国数据安全法》第二十一条"

# (name, title, department code)
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("bench-scjgj", "区市场监督管理局", "SCJG"),
    ("bench-rsj", "区人力资源和社会保障局", "RSJ"),
    ("bench-wjj", "区卫生健康局", "WJJ"),
    ("bench-jytyj", "区教育和体育局", "JYTY"),
    ("bench-zrzyj", "区自然资源局", "ZRZY"),
    ("bench-jtysj", "区交通运输局", "JTYS"),
    ("bench-mzj", "区民政局", "MZJ"),
    ("bench-gaj", "区公安分局", "GAJ"),
    ("bench-zjj", "区住房和城乡建设局", "ZJJ"),
    ("bench-sthjj", "区生态环境分局", "STHJ"),
]

# The member whose view the "member" measurements take (an editor of the first department).
MEMBER_ORG = DEPARTMENTS[0][0]


def member_user(org_name: str) -> str:
    return f"{org_name}-editor"


# (weight, share_class, open_class, published): a realistic district catalog: mostly open,
# a good part conditional or government-only, some internal, a few drafts.
CLASS_MIX: list[tuple[int, str, str, bool]] = [
    (40, "unconditional", "unconditional", True),
    (10, "unconditional", "conditional", True),
    (8, "conditional", "conditional", True),
    (17, "unconditional", "not_open", True),
    (10, "conditional", "not_open", True),
    (5, "not_shared", "not_open", True),
    (4, "unconditional", "unconditional", False),
    (3, "conditional", "not_open", False),
    (3, "unconditional", "conditional", False),
]

_SUBJECTS = ["市场主体登记", "社会保险参保", "医疗机构", "中小学校", "土地供应", "公交站点",
             "养老机构", "户籍人口", "建筑工程许可", "空气质量监测", "企业信用", "就业登记",
             "疫苗接种点", "体育场馆", "不动产登记", "出租车运营", "社会组织", "交通事故",
             "住房保障", "污染源排放"]
_ASPECTS = ["基本信息", "统计数据", "名录", "年度报告", "月度汇总", "分布情况", "变更记录",
            "许可信息", "监测数据", "服务网点"]
_FORMATS = ["CSV", "JSON", "XLSX", "XML", "API"]
_CYCLES = ["realtime", "daily", "weekly", "monthly", "quarterly", "semiannual", "annual",
           "irregular"]
_ITEM_TYPES = ["string", "number", "date", "datetime", "boolean", "text"]
_ITEMS = ["统一社会信用代码", "名称", "地址", "负责人", "登记日期", "联系电话", "经营范围",
          "注册资本", "所属街道", "状态"]
_TAGS = ["民生", "经济", "交通", "教育", "卫生", "环境", "社会保障", "城市管理", "公共安全",
         "住房"]


def departments() -> list[dict[str, Any]]:
    return [
        {"name": name, "title": title, "department_code": code,
         "description": f"东昌府区{title}（基准测试部门）。"}
        for name, title, code in DEPARTMENTS
    ]


def users() -> list[dict[str, Any]]:
    return [
        {"name": member_user(name), "email": f"{member_user(name)}@bench.example.gov.cn",
         "password": PASSWORD, "org": name, "capacity": "editor"}
        for name, _title, _code in DEPARTMENTS
    ]


def _classes(rng: random.Random) -> tuple[str, str, bool]:
    total = sum(w for w, *_ in CLASS_MIX)
    pick = rng.uniform(0, total)
    for weight, share, open_, published in CLASS_MIX:
        pick -= weight
        if pick <= 0:
            return share, open_, published
    return CLASS_MIX[0][1:]  # type: ignore[return-value]


def shape_serial(serial: int, tile: int = 0) -> int:
    """The serial whose random draws entry ``serial`` takes: itself, or with the bulk seeding
    path (benchmarks/bulk.py) beyond ``tile`` the template it is a copy of."""
    if not tile or serial <= tile:
        return serial
    assert tile % len(DEPARTMENTS) == 0, "a copy must stay in its template's department"
    return (serial - 1) % tile + 1


def entry(serial: int, prefix: str = "bench-entry", tile: int = 0) -> dict[str, Any]:
    """Entry number ``serial`` (deterministic: depends on the serial, and on ``tile`` beyond it:
    see ``shape_serial``)."""
    rng = random.Random(shape_serial(serial, tile) * 7919 + 17)
    org_name, org_title, code = DEPARTMENTS[serial % len(DEPARTMENTS)]
    share, open_, published = _classes(rng)
    subject, aspect = rng.choice(_SUBJECTS), rng.choice(_ASPECTS)
    title = f"东昌府区{subject}{aspect}（{serial}）"
    data: dict[str, Any] = {
        "name": f"{prefix}-{serial:06d}",
        "title": title,
        "owner_org": org_name,
        "notes": f"{org_title}采集的{subject}{aspect}，覆盖全区各街道和乡镇，"
                 f"按{rng.choice(['月', '季度', '年'])}汇总。"
                 f" Benchmark entry {serial} about {subject}.",
        "resource_code": f"{DISTRICT}-{code}-{serial:06d}",
        "catalog_category": rng.choice(["base", "theme", "department"]),
        "update_cycle": rng.choice(_CYCLES),
        "issued": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        "tag_string": ",".join(rng.sample(_TAGS, rng.randint(1, 3))),
        "share_class": share,
        "share_method": rng.choice(["api", "file", "database"]),
        "open_class": open_,
        # important data is opened conditionally at most (the security-grade policy, F-2)
        "security_grade": ("important" if rng.random() < 0.25 and open_ != "unconditional"
                           else "general"),
        "confidentiality_review_status": "passed" if published else "pending",
        "catalog_state": "published" if published else rng.choice(["draft", "submitted"]),
        "temporary_collection": "false",
        "data_items": [
            {"name": item, "type": rng.choice(_ITEM_TYPES), "description": f"{item}字段",
             "source_org": rng.choice(DEPARTMENTS)[0]}
            for item in rng.sample(_ITEMS, 2)
        ],
        "resources": [
            {"name": f"{subject}{aspect}{i + 1}", "format": fmt,
             "description": f"{subject}{aspect}数据文件{i + 1}",
             "url": f"https://data.example.gov.cn/{code.lower()}/{serial:06d}/"
                    f"{i + 1}.{fmt.lower()}"}
            for i, fmt in enumerate(rng.choice(_FORMATS) for _ in range(rng.choice([2, 3, 3, 4])))
        ],
    }
    if published:
        data["confidentiality_reviewer"] = rng.choice(["王芳", "李强", "张伟", "刘洋"])
        month, day = rng.randint(1, 11), rng.randint(1, 28)
        data["confidentiality_reviewed_on"] = f"2026-{month:02d}-{day:02d}"
    if share != "unconditional":
        data["share_reason"] = "含企业经营信息和个人信息"
        data["share_legal_basis"] = LEGAL_BASIS
        if share == "conditional":
            data["share_conditions"] = "仅限承担相关监管职能的部门使用"
    if open_ != "unconditional":
        data["open_reason"] = "含个人信息，须脱敏后提供"
        data["open_legal_basis"] = LEGAL_BASIS_2
        if open_ == "conditional":
            data["open_conditions"] = "须提交申请并签署数据使用协议"
    if open_ != "unconditional":
        # a gated file is served by the portal (issue 16 item 3): registered as an upstream the
        # portal calls, never a link
        for resource in data["resources"]:
            resource["upstream_url"] = resource.pop("url")
    # CKAN's own flag; ckanext-dongchang derives it from the classes (ignoring what is sent),
    # vanilla stores what is sent: give both the same value.
    data["private"] = not (published and open_ != "not_open")
    return data


def conditional_open() -> dict[str, Any]:
    """The class fields of a conditionally shared and conditionally open entry."""
    return {"share_class": "conditional", "open_class": "conditional",
            "share_reason": "含企业经营信息和个人信息", "share_legal_basis": LEGAL_BASIS,
            "share_conditions": "仅限承担相关监管职能的部门使用",
            "open_reason": "含个人信息，须脱敏后提供", "open_legal_basis": LEGAL_BASIS_2,
            "open_conditions": "须提交申请并签署数据使用协议"}


def table_csv(rows: int) -> bytes:
    """A realistic open version of a register: ``rows`` rows, deterministic."""
    rng = random.Random(rows)
    lines = ["统一社会信用代码,企业名称,所属街道,登记日期,注册资本（万元）"]
    for i in range(rows):
        lines.append(f"91371502MA{i:08d},聊城市东昌府区{rng.choice(_SUBJECTS)}企业{i},"
                     f"{rng.choice(['古楼街道', '柳园街道', '新区街道', '湖西街道'])},"
                     f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d},"
                     f"{rng.randint(10, 5000)}")
    return ("\n".join(lines) + "\n").encode()


def import_entries(start: int, count: int) -> list[dict[str, Any]]:
    """The entries of a department's spreadsheet import (benchmarks/import_rate.py): bench
    entries of one department, without files (a catalog sheet has none)."""
    return [dict(entry(serial, prefix="bench-import"), owner_org=MEMBER_ORG, resources=[],
                 resource_code=f"{DISTRICT}-IMP-{serial:06d}")
            for serial in range(start, start + count)]


def cell(value: Any) -> str:
    """A field's value as a spreadsheet cell: lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).lower() if isinstance(value, bool) else str(value)


def entries(n: int, prefix: str = "bench-entry", start: int = 1) -> list[dict[str, Any]]:
    return [entry(serial, prefix) for serial in range(start, start + n)]
