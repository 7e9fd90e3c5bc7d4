//! Races: never oversell, one order per Idempotency-Key, counters equal a recount.

use futures::future::join_all;
use orders_integration_tests::{order_body, Method, StatusCode, TestApi};
use orders_shared::adapters::store::{OrderQuery, Partition};
use orders_shared::domain::counters::{buckets, Bucket};
use orders_shared::domain::order::{Order, OrderStatus};
use orders_shared::domain::party::Side;
use rand::{RngExt, SeedableRng};
use std::collections::HashMap;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_buyers_racing_for_ten_units_get_exactly_ten_orders() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "rare-tea", "99.00", 10).await;
    let answers = join_all((0..50).map(|index| {
        let api = &api;
        async move {
            let token = api.buyer(&format!("buyer-{}", index % 5));
            api.create(&token, &[("rare-tea", 1)]).await
        }
    }))
    .await;
    let created = answers.iter().filter(|a| a.status == StatusCode::CREATED).count();
    let sold_out = answers.iter().filter(|a| a.status == StatusCode::CONFLICT && a.code() == 10008).count();
    assert_eq!(created, 10, "exactly the stock was sold");
    assert_eq!(sold_out, 40, "every other buyer was told it is out of stock");
    for answer in answers.iter().filter(|a| a.code() == 10008) {
        assert!(answer.body["msg"].as_str().unwrap().contains("rare-tea"), "names the SKU: {}", answer.body);
    }
    assert_eq!(api.stock("rare-tea").await, 0);
    let mut orders = 0;
    for buyer in 0..5 {
        orders += api.counts(&api.buyer(&format!("buyer-{buyer}"))).await["wait_pay"].as_i64().unwrap();
    }
    assert_eq!(orders, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_retries_with_one_idempotency_key_make_one_order() {
    let api = TestApi::start().await;
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    let buyer = api.buyer("alice");
    let body = order_body(&[("tea", 2)]).to_string();
    let answers = join_all((0..10).map(|_| {
        api.call_with(
            Method::POST,
            "/api/v1/orders",
            Some(&buyer),
            Some(body.clone()),
            &[("idempotency-key", "checkout-42")],
        )
    }))
    .await;
    let mut numbers = Vec::new();
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        numbers.push(answer.data()["orders"][0]["order_no"].as_str().unwrap().to_string());
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 1, "every retry answered the same order");
    assert!(answers.iter().filter(|a| a.headers.contains_key("idempotent-replayed")).count() >= 9);
    assert_eq!(api.counts(&buyer).await["all"], 1);
    assert_eq!(api.stock("tea").await, 98, "stock reserved once");

    // The same key with another body is refused and writes nothing.
    let other = order_body(&[("tea", 3)]).to_string();
    let mismatch = api
        .call_with(Method::POST, "/api/v1/orders", Some(&buyer), Some(other), &[("idempotency-key", "checkout-42")])
        .await;
    assert_eq!((mismatch.status, mismatch.code()), (StatusCode::UNPROCESSABLE_ENTITY, 10009));
    assert_eq!(api.counts(&buyer).await["all"], 1);
    assert_eq!(api.stock("tea").await, 98);

    // The key is the buyer's own: another buyer may use the same string.
    let bob = api.buyer("bob");
    let bobs = api
        .call_with(Method::POST, "/api/v1/orders", Some(&bob), Some(body), &[("idempotency-key", "checkout-42")])
        .await;
    assert_eq!(bobs.status, StatusCode::CREATED);
    assert_ne!(bobs.data()["orders"][0]["order_no"].as_str().unwrap(), numbers[0]);
}

async fn all_orders(api: &TestApi, partition: Partition) -> Vec<Order> {
    let mut orders = Vec::new();
    let mut start = None;
    loop {
        let page = api
            .app
            .store
            .query_orders(&OrderQuery { start, ..OrderQuery::new(partition.clone(), 100) })
            .await
            .expect("query");
        orders.extend(page.orders);
        match page.next {
            Some(next) => start = Some(next),
            None => return orders,
        }
    }
}

fn recount(orders: &[Order], viewer: Side) -> HashMap<&'static str, i64> {
    let mut counts: HashMap<&'static str, i64> = Bucket::ALL.iter().map(|b| (b.name(), 0)).collect();
    for order in orders {
        for bucket in buckets(order, viewer) {
            *counts.entry(bucket.name()).or_default() += 1;
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_random_creates_cancels_and_deletes_counters_equal_a_recount() {
    let api = TestApi::start().await;
    let initial = [("tea", 500), ("cup", 500), ("pot", 500)];
    api.put_sku("shop-a", "tea", "10.00", 500).await;
    api.put_sku("shop-a", "cup", "3.00", 500).await;
    api.put_sku("shop-b", "pot", "50.00", 500).await;
    let buyers = ["alice", "bob"];
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261124);
    let mut known: Vec<(usize, String)> = Vec::new();
    for _ in 0..80 {
        let who = rng.random_range(0..buyers.len());
        let token = api.buyer(buyers[who]);
        match rng.random_range(0..10) {
            0..=4 => {
                let mut items = Vec::new();
                for (sku, _) in initial {
                    if rng.random_bool(0.5) {
                        items.push((sku, rng.random_range(1..4i64)));
                    }
                }
                if items.is_empty() {
                    items.push(("tea", 1));
                }
                let answer = api.create(&token, &items).await;
                assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
                for order in answer.data()["orders"].as_array().unwrap() {
                    known.push((who, order["order_no"].as_str().unwrap().to_string()));
                }
            }
            5..=7 if !known.is_empty() => {
                let (owner, no) = known[rng.random_range(0..known.len())].clone();
                let answer = api
                    .call(Method::POST, &format!("/api/v1/orders/{no}/cancel"), Some(&api.buyer(buyers[owner])), None)
                    .await;
                assert!(matches!(answer.status.as_u16(), 200 | 404 | 409), "{}", answer.body);
            }
            _ if !known.is_empty() => {
                let (owner, no) = known[rng.random_range(0..known.len())].clone();
                let answer = api
                    .call(Method::DELETE, &format!("/api/v1/orders/{no}"), Some(&api.buyer(buyers[owner])), None)
                    .await;
                assert!(matches!(answer.status.as_u16(), 200 | 404 | 409), "{}", answer.body);
            }
            _ => {}
        }
    }
    assert!(known.len() > 20, "the sequence created orders");
    let mut every_order = Vec::new();
    for buyer in buyers {
        let orders = all_orders(&api, Partition::Buyer(buyer.to_string())).await;
        let counts = api.counts(&api.buyer(buyer)).await;
        for (name, expected) in recount(&orders, Side::Buyer) {
            assert_eq!(counts[name].as_i64(), Some(expected), "{buyer} {name}: {counts}");
        }
        every_order.extend(orders);
    }
    for shop in ["shop-a", "shop-b"] {
        let orders = all_orders(&api, Partition::Seller(shop.to_string())).await;
        let counts = api.app.store.seller_counts(shop).await.expect("seller counts");
        for (name, expected) in recount(&orders, Side::Seller) {
            let bucket = Bucket::ALL.into_iter().find(|b| b.name() == name).unwrap();
            assert_eq!(counts.get(bucket), expected, "{shop} {name}");
        }
    }
    // Deleted orders are closed or completed, so held stock is in the listed open orders.
    for (sku, stock) in initial {
        let held: i64 = every_order
            .iter()
            .filter(|order| order.status == OrderStatus::PendingPayment)
            .flat_map(|order| &order.lines)
            .filter(|line| line.sku_id == sku)
            .map(|line| i64::from(line.quantity))
            .sum();
        assert_eq!(api.stock(sku).await + held, stock, "{sku}: stock plus reserved equals the start");
    }
}
