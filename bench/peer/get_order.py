"""The peer: get-order written the way most teams would, in Python 3.11 with boto3, zstandard and
the awslambdaric runtime client. Same table, same key, same envelope as the Rust get-order: it
reads the order's item, decompresses its document (format 1: zstd with the raw-content dictionary
the Rust code embeds) and puts the tracking lists back beside it."""

import json
import os
import pathlib

import boto3
import zstandard

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
# Found from this file at run time, as a deployed peer would bundle it beside its handler.
_DICTIONARY = pathlib.Path(__file__).resolve().parents[2] / "shared/src/adapters/store/order_dictionary_v1.jsonl"
_DECOMPRESSOR = zstandard.ZstdDecompressor(
    dict_data=zstandard.ZstdCompressionDict(_DICTIONARY.read_bytes(), dict_type=zstandard.DICT_TYPE_RAWCONTENT)
)
FORMAT_V1 = 1


def order_of(item):
    document = bytes(item["doc"].value)
    if document[0] != FORMAT_V1:
        raise ValueError(f"unknown order document format {document[0]}")
    order = json.loads(_DECOMPRESSOR.decompress(document[1:]))
    order["tracking_events"] = item.get("tracking_events", [])
    order["timeline"] = sorted(order.get("timeline", []) + item.get("tracking_timeline", []), key=lambda e: e["at"])
    order["version"] = int(item["version"])
    order["updated_at"] = item["updated_at"]
    return order


def handler(event, context):
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    order_no = event["pathParameters"]["id"]
    item = TABLE.get_item(Key={"PK": f"BUYER#{claims['sub']}", "SK": f"ORDER#{order_no}"}, ConsistentRead=True).get("Item")
    request_id = event["requestContext"]["requestId"]
    if item is None or item.get("deleted"):
        body = {"code": 10001, "msg": f"order {order_no} does not exist", "data": None, "request_id": request_id}
        return {"statusCode": 404, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
    body = {"code": 0, "msg": "ok", "data": order_of(item), "request_id": request_id}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body, default=str)}
