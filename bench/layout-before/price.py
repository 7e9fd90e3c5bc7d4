"""The layout before the order became one document (commit 6a71180), priced as the benchmark now
prices today's: the cost part of that commit's bench, with cost-meter.patch applied, logs every
request of every step (operation, the items it writes, DynamoDB Local's figures), enables the
table's stream and runs this script, which reads each item's images from the stream and prices
every write by DynamoDB's rules (a port of tests/src/capacity.rs): a transaction's table units
twice, its index writes once. Single writes are priced as DynamoDB Local reports them, and the port
is checked against those figures (it prints how many differ).

    git worktree add /tmp/before 6a71180 && cd /tmp/before
    git apply <repo>/bench/layout-before/cost-meter.patch && ln -s <repo>/.tools .tools
    cargo build -p orders-bench
    BENCH_PARTS=cost BENCH_FUNCTIONS=none COST_PRICE_SCRIPT=<repo>/bench/layout-before/price.py \
      COST_PYTHON=<repo>/.tools/venv/bin/python target/debug/orders-bench
"""
import json, math, sys, collections
import boto3

endpoint, table, log_path = sys.argv[1:4]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")
ddb = boto3.client("dynamodb", **kw)
streams = boto3.client("dynamodbstreams", **kw)
desc = ddb.describe_table(TableName=table)["Table"]
table_keys = [k["AttributeName"] for k in desc["KeySchema"]]
indexes = []
for gsi in desc.get("GlobalSecondaryIndexes", []):
    keys = [k["AttributeName"] for k in gsi["KeySchema"]]
    proj = gsi["Projection"]
    names = None if proj["ProjectionType"] == "ALL" else table_keys + keys + proj.get("NonKeyAttributes", [])
    indexes.append((gsi["IndexName"], keys, names))
print("indexes:", [(n, k, "ALL" if p is None else p) for n, k, p in indexes])

def number_size(n):
    mant = n.lower().split("e")[0]
    digits = "".join(c for c in mant if c.isdigit()).lstrip("0").rstrip("0")
    return math.ceil(len(digits) / 2) + 1

def value_size(v):
    (t, x), = v.items()
    if t == "S": return len(x.encode())
    if t == "N": return number_size(x)
    if t == "B": return len(x) if isinstance(x, (bytes, bytearray)) else len(x)
    if t in ("BOOL", "NULL"): return 1
    if t == "SS": return sum(len(s.encode()) for s in x)
    if t == "NS": return sum(number_size(s) for s in x)
    if t == "BS": return sum(len(b) for b in x)
    if t == "L": return 3 + sum(1 + value_size(i) for i in x)
    if t == "M": return 3 + sum(1 + len(k.encode()) + value_size(i) for k, i in x.items())
    return 0

def item_size(item):
    return sum(len(k.encode()) + value_size(v) for k, v in item.items())

def units(b):
    return max(1, math.ceil(b / 1024))

def entry(index, item):
    _, keys, names = index
    if item is None or not all(k in item for k in keys):
        return None
    return dict(item) if names is None else {k: v for k, v in item.items() if k in names}

def charge(old, new):
    larger = max(item_size(old) if old else 0, item_size(new) if new else 0)
    table_units, index_units = units(larger), 0
    for index in indexes:
        b, a = entry(index, old), entry(index, new)
        if b is None and a is None: continue
        if b is None or a is None:
            index_units += units(item_size(a or b))
        elif any(b.get(k) != a.get(k) for k in index[1]):
            index_units += units(item_size(b)) + units(item_size(a))
        elif b != a:
            index_units += units(max(item_size(b), item_size(a)))
    return table_units, index_units

# Every stream record, in order per item.
arn = desc["LatestStreamArn"]
changes = collections.defaultdict(collections.deque)
shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
count = 0
for shard in shards:
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    while it:
        out = streams.get_records(ShardIterator=it, Limit=1000)
        for r in out["Records"]:
            d = r["dynamodb"]
            img = d.get("NewImage") or d.get("OldImage")
            key = (img["PK"]["S"], img["SK"]["S"])
            changes[key].append((d.get("OldImage"), d.get("NewImage")))
            count += 1
        if not out["Records"]:
            break
        it = out.get("NextShardIterator")
print("stream records:", count)

log = json.load(open(log_path))
# Records written before the cost run (setup) come first per key: skip those not named by a logged write.
# Keys touched by logged writes consume records in order; a key's earlier records (setup) are dropped
# by aligning: the cost run's writes on a key are its last N records.
writes_per_key = collections.Counter()
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
for req in log:
    if req["operation"] in WRITES:
        for k in req["keys"]:
            writes_per_key[tuple(k)] += 1
for key, n in writes_per_key.items():
    q = changes[key]
    while len(q) > n:
        q.popleft()

CHECKED = [0, 0]
steps = collections.OrderedDict()
lives = collections.Counter()
for req in log:
    s = steps.setdefault(req["step"], {"table": 0.0, "indexes": 0.0, "local": 0.0, "reads": 0.0, "n": 0})
    if req["operation"] not in WRITES:
        s["reads"] += req["table"] + req["indexes"]
        continue
    s["local"] += req["table"] + req["indexes"]
    if req["operation"] != "TransactWriteItems":
        s["table"] += req["table"]; s["indexes"] += req["indexes"]
        ported = [0, 0]
        for k in req["keys"]:
            if changes[tuple(k)]:
                ct, ci = charge(*changes[tuple(k)].popleft())
                ported[0] += ct; ported[1] += ci
        CHECKED[0] += 1
        if (ported[0], ported[1]) != (req["table"], req["indexes"]):
            CHECKED[1] += 1
            print("single write priced differently from DynamoDB Local:", req["operation"], req["keys"], ported, req["table"], req["indexes"])
        continue
    t = i = 0.0
    for k in req["keys"]:
        q = changes[tuple(k)]
        if q:
            old, new = q.popleft()
            ct, ci = charge(old, new)
        else:
            ct, ci = 1, 0
        t += ct; i += ci
    s["table"] += 2 * t; s["indexes"] += i
# Lives: the number of times each step's first request appears is not logged; divide by BENCH_COST_LIVES.
import os
n = int(os.environ.get("BENCH_COST_LIVES", "50"))
totals = collections.OrderedDict()
for name, s in steps.items():
    life = name.split(":")[0]
    w = (s["table"] + s["indexes"]) / n
    print(f"{name}: write units {w:.2f} (indexes {s['indexes']/n:.2f}), as DynamoDB Local reported {s['local']/n:.2f}, reads {s['reads']/n:.2f}")
    tot = totals.setdefault(life, [0.0, 0.0, 0.0])
    tot[0] += w; tot[1] += s["local"] / n; tot[2] += s["reads"] / n
for life, (w, local, r) in totals.items():
    print(f"TOTAL {life}: write units {w:.1f} as DynamoDB charges, {local:.1f} as DynamoDB Local reported, read units {r:.1f}")
print(f"single writes checked against DynamoDB Local's figures: {CHECKED[0]}, differing: {CHECKED[1]}")
