"""The peer: get-order written the way most teams would, in Python 3.11 with boto3 and the
awslambdaric runtime client. Same table, same key, same envelope as the Rust get-order."""

import json
import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    order_no = event["pathParameters"]["id"]
    item = TABLE.get_item(Key={"PK": f"BUYER#{claims['sub']}", "SK": f"ORDER#{order_no}"}, ConsistentRead=True).get("Item")
    request_id = event["requestContext"]["requestId"]
    if item is None or item.get("deleted"):
        body = {"code": 10001, "msg": f"order {order_no} does not exist", "data": None, "request_id": request_id}
        return {"statusCode": 404, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
    for key in [k for k in item if k.isupper() or k in ("search",)]:
        item.pop(key)
    body = {"code": 0, "msg": "ok", "data": item, "request_id": request_id}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body, default=str)}
