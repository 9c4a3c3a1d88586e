"""Seed N synthetic catalog entries (realistic Chinese titles, abstracts, data items) into a
sandbox database, then EXPLAIN ANALYZE the duplicate-candidates query."""
import json, random, re, sys, time, uuid
from pathlib import Path
import sqlalchemy as sa

url, n = sys.argv[1], int(sys.argv[2])
demo = json.load(open(Path(__file__).resolve().parents[2] / "demo" / "catalog.json", encoding="utf-8"))["datasets"]
cores = [re.sub(r"^东昌府区", "", d["title"]) for d in demo]
phrases = [p for d in demo for p in re.split(r"[，。、；]", d.get("notes", "")) if len(p) > 3]
items = sorted({i["name"] for d in demo for i in d.get("data_items", [])})
towns = ["古楼街道", "柳园街道", "新区街道", "湖西街道", "道口铺街道", "阎寺街道", "凤凰街道", "北城街道",
         "侯营镇", "沙镇镇", "堂邑镇", "梁水镇镇", "斗虎屯镇", "郑家镇", "张炉集镇", "于集镇",
         "许营镇", "朱老庄镇", "顾官屯镇", "蒋官屯街道", "李海务街道", "嘉明经济开发区"]
years = [f"{y}年" for y in range(2015, 2027)] + [""] * 6
kinds = ["", "农村", "城区", "重点", "年度", "季度", "历史", "专项", "汇总", "试点"]
rng = random.Random(20261129)
engine = sa.create_engine(url)
orgs = [str(uuid.uuid4()) for _ in range(40)]
rows = []
for i in range(n):
    title = "东昌府区" + rng.choice(towns + [""] * 5) + rng.choice(years) + rng.choice(kinds) + rng.choice(cores)
    notes = "，".join(rng.sample(phrases, rng.randint(2, 4))) + "。"
    its = [{"name": name, "type": "string", "source_org": "dcf-x"} for name in rng.sample(items, rng.randint(3, 8))]
    rows.append({"id": str(uuid.uuid4()), "name": f"bench-{i}", "title": title, "notes": notes,
                 "org": rng.choice(orgs),
                 "extras": json.dumps({"catalog_state": rng.choice(["published"] * 8 + ["draft", "submitted"]),
                                       "data_items": json.dumps(its, ensure_ascii=False)}, ensure_ascii=False)})
with engine.begin() as conn:
    conn.execute(sa.text("delete from package where name like 'bench-%'"))
    t = time.time()
    for start in range(0, n, 5000):
        conn.execute(sa.text("""insert into package (id, name, title, notes, type, state, owner_org, private,
            metadata_created, metadata_modified, extras) values (:id, :name, :title, :notes, 'dataset', 'active',
            :org, false, now(), now(), cast(:extras as jsonb))"""), rows[start:start + 5000])
    print(f"inserted {n} rows in {time.time() - t:.1f}s")
    conn.execute(sa.text("analyze package"))
