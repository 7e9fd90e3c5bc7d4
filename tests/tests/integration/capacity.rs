//! The benchmark's cost figures: `write_charge` prices a write from the item's images by
//! DynamoDB's rules. It must agree with DynamoDB Local on single writes (which DynamoDB Local
//! prices right), and DynamoDB Local still under-reports transactions (else the benchmark's
//! own pricing of them is no longer needed).

use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnConsumedCapacity, TransactWriteItem, Update};
use orders_dev::local_db;
use orders_integration_tests::capacity::{item_size, write_charge, Charge, Image, Index};
use orders_integration_tests::{dynamodb_endpoint, TestApi};
use orders_shared::adapters::store::keys;

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

/// An item in the shop indexes (and the due index while `due`), as an order is.
fn order(no: &str, status: &str, due: bool, doc_bytes: usize) -> Image {
    let mut item: Image = [
        (keys::PK.to_string(), s("BUYER#capacity")),
        (keys::SK.to_string(), s(&format!("{}{no}", keys::ORDER_SK_PREFIX))),
        ("doc".to_string(), AttributeValue::B(vec![7u8; doc_bytes].into())),
        ("version".to_string(), AttributeValue::N("12".into())),
        (keys::SELLER_PK.to_string(), s("SELLER#capacity")),
        (keys::SELLER_SK.to_string(), s(no)),
        (keys::SELLER_STATUS_PK.to_string(), s(&format!("SELLER#capacity#{status}"))),
        (keys::SELLER_STATUS_SK.to_string(), s(no)),
    ]
    .into();
    if due {
        item.insert(keys::DUE_PK.into(), s("DUE#pay#0"));
        item.insert(keys::DUE_SK.into(), s(&format!("000001700000000#{no}")));
    }
    item
}

fn counter(pk: &str, n: i64) -> Image {
    [
        (keys::PK.to_string(), s(pk)),
        (keys::SK.to_string(), s("COUNTS")),
        ("n".to_string(), AttributeValue::N(n.to_string())),
    ]
    .into()
}

fn reported(consumed: Option<&aws_sdk_dynamodb::types::ConsumedCapacity>) -> Charge {
    let total = consumed.and_then(|c| c.capacity_units()).unwrap_or_default();
    let table = consumed.and_then(|c| c.table()).and_then(|t| t.capacity_units()).unwrap_or(total);
    Charge { table, indexes: total - table }
}

#[tokio::test]
async fn single_writes_are_priced_as_dynamodb_local_prices_them_and_transactions_twice_per_item_in_the_table() {
    let api = TestApi::start().await;
    let client = local_db::client(&dynamodb_endpoint());
    let described = client.describe_table().table_name(&api.table).send().await.expect("describe");
    let indexes = Index::of_table(described.table().expect("the table"));
    assert_eq!(indexes.len(), 3, "{indexes:?}");

    // Single puts of an order through its life, and of a 3 KB one: each priced from the images.
    let steps = [
        (None, order("1", "awaiting_payment", true, 250)),
        (Some(order("1", "awaiting_payment", true, 250)), order("1", "awaiting_payment", true, 250)),
        (Some(order("1", "awaiting_payment", true, 250)), order("1", "awaiting_shipment", false, 260)),
        (Some(order("1", "awaiting_shipment", false, 260)), order("1", "awaiting_shipment", false, 3000)),
        (Some(order("1", "awaiting_shipment", false, 3000)), order("1", "shipped", true, 300)),
    ];
    for (before, after) in steps {
        let answer = client
            .put_item()
            .table_name(&api.table)
            .set_item(Some(after.clone()))
            .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
            .send()
            .await
            .expect("put");
        let computed = write_charge(before.as_ref(), Some(&after), &indexes);
        assert_eq!(computed, reported(answer.consumed_capacity()), "{} bytes", item_size(&after));
    }
    let answer = client
        .update_item()
        .table_name(&api.table)
        .key(keys::PK, s("COUNTER#a"))
        .key(keys::SK, s("COUNTS"))
        .update_expression("ADD n :one")
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .expect("update");
    let computed = write_charge(None, Some(&counter("COUNTER#a", 1)), &indexes);
    assert_eq!(computed, Charge { table: 1.0, indexes: 0.0 });
    assert_eq!(computed, reported(answer.consumed_capacity()));

    // The same changes in one transaction: DynamoDB charges each item twice; DynamoDB Local not.
    let before = order("2", "awaiting_payment", true, 250);
    client.put_item().table_name(&api.table).set_item(Some(before.clone())).send().await.expect("put");
    let after = order("2", "awaiting_shipment", false, 1800);
    let put = Put::builder().table_name(&api.table).set_item(Some(after.clone())).build().expect("put");
    let add = |pk: &str| {
        let update = Update::builder()
            .table_name(&api.table)
            .key(keys::PK, s(pk))
            .key(keys::SK, s("COUNTS"))
            .update_expression("ADD n :one")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .build()
            .expect("update");
        TransactWriteItem::builder().update(update).build()
    };
    let answer = client
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().put(put).build())
        .transact_items(add("COUNTER#b"))
        .transact_items(add("COUNTER#c"))
        .transact_items(add("COUNTER#d"))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .expect("transaction");
    let alone = [
        write_charge(Some(&before), Some(&after), &indexes),
        write_charge(None, Some(&counter("COUNTER#b", 1)), &indexes),
        write_charge(None, Some(&counter("COUNTER#c", 1)), &indexes),
        write_charge(None, Some(&counter("COUNTER#d", 1)), &indexes),
    ];
    let table: f64 = alone.iter().map(|charge| charge.table).sum();
    let index_writes: f64 = alone.iter().map(|charge| charge.indexes).sum();
    // The order grows to 2 KB: 2 units, 3 counters: 1 each; the order leaves the due index (1),
    // moves in seller-status (its old entry deleted: 1, the new put: 2) and is rewritten in
    // seller-orders (2).
    assert_eq!((table, index_writes), (2.0 + 3.0, 1.0 + 1.0 + 2.0 + 2.0));
    let dynamodb = Charge { table, indexes: index_writes }.in_transaction();
    assert_eq!(dynamodb, Charge { table: 10.0, indexes: 6.0 }, "the table's units twice, the indexes' once");
    let local = reported(answer.consumed_capacity().first());
    assert_ne!(
        local, dynamodb,
        "DynamoDB Local now prices transactions by DynamoDB's rules: the bench can use its figures"
    );
    assert!(local.table < dynamodb.table, "{local:?} against {dynamodb:?}");
}
