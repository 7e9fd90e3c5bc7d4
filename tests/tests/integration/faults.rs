//! What DynamoDB Local never does, injected: conflicts, throttling, 500s, failed connections and
//! lost answers. Every request ends in success, 409 or 503 (with `Retry-After`), and nothing is
//! ever half written: stock figures and counters equal a recount afterwards.

use futures::future::join_all;
use orders_integration_tests::faults::{Fault, FaultInjector};
use orders_integration_tests::{address, alipay_notification, Answer, Method, StatusCode, TestApi, DEV_APP_ID};
use orders_shared::adapters::store::{OrderQuery, Partition};
use orders_shared::app::after_sales::retry_refund_payouts;
use orders_shared::domain::counters::{buckets, Bucket};
use orders_shared::domain::order::{Order, OrderStatus};
use orders_shared::domain::party::Side;
use orders_shared::domain::refund::{PayoutStatus, RefundState};
use orders_shared::domain::time::Timestamp;
use rand::{RngExt, SeedableRng};
use serde_json::json;
use std::collections::HashMap;

fn unavailable(answer: &Answer) -> bool {
    answer.status == StatusCode::SERVICE_UNAVAILABLE
        && answer.code() == 10004
        && answer.headers.get("retry-after").is_some_and(|value| value == "1")
}

#[tokio::test]
async fn contention_is_retried_then_answered_503_and_never_as_a_business_error() {
    let faults = FaultInjector::seeded(1);
    let (api, _) = TestApi::start_with_faults(&faults).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");

    // A transaction conflict that clears: the create is retried and succeeds.
    faults.fail_next(Some("TransactWriteItems"), Fault::Conflict, 2);
    let created = api.create(&buyer, &[("tea", 1)]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    // One that does not: 503 with Retry-After, and nothing written.
    faults.fail_next(Some("TransactWriteItems"), Fault::Conflict, 100);
    let refused = api.create(&buyer, &[("tea", 1)]).await;
    assert!(unavailable(&refused), "{} {:?}", refused.body, refused.headers);
    faults.stop();
    assert_eq!(api.stock("tea").await, 9);
    assert_eq!(api.counts(&buyer).await["all"], 1);

    // Throttled reads: the SDK's backoff rides out a short burst; a long one is 503.
    let no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    faults.fail_next(Some("GetItem"), Fault::Throttle, 1);
    assert_eq!(api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await.status, StatusCode::OK);
    faults.fail_next(Some("GetItem"), Fault::Throttle, 100);
    assert!(unavailable(&api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await));
    faults.stop();

    // A conflict on the address book is contention, never "the address book is full".
    faults.fail_next(Some("TransactWriteItems"), Fault::Conflict, 100);
    let book = api.call(Method::POST, "/api/v1/addresses", Some(&buyer), Some(address())).await;
    assert!(unavailable(&book), "{}", book.body);
    faults.stop();
    let book = api.call(Method::POST, "/api/v1/addresses", Some(&buyer), Some(address())).await;
    assert_eq!(book.status, StatusCode::CREATED, "{}", book.body);

    // A write whose answer is lost after it landed, sent again by the SDK: applied once.
    faults.fail_next(Some("UpdateItem"), Fault::ServerErrorAfterWrite, 1);
    let admin = api.admin("root");
    let granted = api
        .call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 7})))
        .await;
    assert_eq!((granted.status, granted.data()["balance"].as_i64()), (StatusCode::OK, Some(7)), "{}", granted.body);
    faults.fail_next(Some("UpdateItem"), Fault::ServerErrorAfterWrite, 1);
    let seller = api.seller("shop-a-user", "shop-a");
    let body = json!({"delta": 5, "reason": "received"});
    let adjusted = api.call(Method::POST, "/api/v1/seller/skus/tea/stock-adjustments", Some(&seller), Some(body)).await;
    assert_eq!((adjusted.status, adjusted.data()["on_hand"].as_i64()), (StatusCode::OK, Some(15)), "{}", adjusted.body);
    faults.fail_next(Some("TransactWriteItems"), Fault::ServerErrorAfterWrite, 1);
    let cancelled = api.call(Method::POST, &format!("/api/v1/orders/{no}/cancel"), Some(&buyer), None).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(api.stock("tea").await, 15, "given back once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_tracking_events_appended_at_once_all_land() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku("shop-a", "tea", "10.00", 10).await;
    let buyer = api.buyer("alice");
    let seller = api.seller("u", "shop-a");
    let no = api.create(&buyer, &[("tea", 1)]).await.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "10.00", "T-track")).await;
    let ship = json!({"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF1"});
    api.call(Method::POST, &format!("/api/v1/seller/orders/{no}/ship"), Some(&seller), Some(ship)).await;
    let path = format!("/api/v1/seller/orders/{no}/tracking-events");
    let answers = join_all((0..50).map(|i| {
        let body = json!({"description": format!("scan {i}")});
        let (api, seller, path) = (&api, &seller, &path);
        async move { api.call(Method::POST, path, Some(seller), Some(body)).await }
    }))
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|answer| answer.status).collect();
    assert!(statuses.iter().all(|status| *status == StatusCode::CREATED), "{statuses:?}");
    let logistics = api.call(Method::GET, &format!("/api/v1/orders/{no}/logistics"), Some(&buyer), None).await;
    assert_eq!(logistics.data()["events"].as_array().unwrap().len(), 50);
    let order = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(&buyer), None).await;
    let tracking = order.data()["timeline"].as_array().unwrap().iter().filter(|e| e["status"] == "tracking").count();
    assert_eq!(tracking, 50, "a timeline entry each");
    // The cap still holds.
    let more =
        join_all((0..60).map(|_| api.call(Method::POST, &path, Some(&seller), Some(json!({"description": "x"})))))
            .await;
    assert_eq!(more.iter().filter(|a| a.status == StatusCode::CREATED).count(), 50, "100 at most");
    assert!(more.iter().all(|a| a.status == StatusCode::CREATED || a.code() == 10005));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_address_made_default_while_it_is_deleted_never_leaves_a_dangling_default() {
    let api = TestApi::start().await;
    for round in 0..30 {
        let buyer = api.buyer(&format!("buyer-{round}"));
        let first = api.call(Method::POST, "/api/v1/addresses", Some(&buyer), Some(address())).await;
        let second = api.call(Method::POST, "/api/v1/addresses", Some(&buyer), Some(address())).await;
        let (first, second) = (first.data()["address_id"].clone(), second.data()["address_id"].clone());
        let path = format!("/api/v1/addresses/{}", second.as_str().unwrap());
        let mut make_default = address();
        make_default["is_default"] = json!(true);
        let (updated, deleted) = tokio::join!(
            api.call(Method::PUT, &path, Some(&buyer), Some(make_default)),
            api.call(Method::DELETE, &path, Some(&buyer), None)
        );
        assert_eq!(deleted.status, StatusCode::OK, "round {round}: {}", deleted.body);
        assert!(matches!(updated.status, StatusCode::OK | StatusCode::NOT_FOUND), "round {round}: {}", updated.body);
        // A book whose default names a deleted address would leave a new address without one.
        let third = api.call(Method::POST, "/api/v1/addresses", Some(&buyer), Some(address())).await;
        let list = api.call(Method::GET, "/api/v1/addresses", Some(&buyer), None).await;
        let defaults: Vec<_> = list.data()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["is_default"] == true)
            .map(|entry| entry["address_id"].clone())
            .collect();
        assert_eq!(defaults.len(), 1, "round {round}: exactly one default: {}", list.body);
        assert!(defaults[0] == first || defaults[0] == third.data()["address_id"], "round {round}");
    }
}

/// Every order of the test's buyers, read back without faults.
async fn all_orders(api: &TestApi, buyers: &[String]) -> Vec<Order> {
    let mut orders = Vec::new();
    for buyer in buyers {
        let mut query = OrderQuery::new(Partition::Buyer(buyer.clone()), 100);
        loop {
            let page = api.app.store.query_orders(&query).await.expect("orders");
            orders.extend(page.orders);
            match page.next {
                Some(next) => query.start = Some(next),
                None => break,
            }
        }
    }
    orders
}

fn recount(orders: &[Order], side: Side) -> HashMap<&'static str, i64> {
    let mut counts = HashMap::new();
    for order in orders {
        for bucket in buckets(order, side) {
            *counts.entry(bucket.name()).or_insert(0) += 1;
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn random_faults_on_every_path_never_half_write() {
    let seed: u64 = std::env::var("FAULT_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or_else(rand::random);
    let rounds: usize = std::env::var("FAULT_ROUNDS").ok().and_then(|rounds| rounds.parse().ok()).unwrap_or(40);
    eprintln!("fault seed {seed}, {rounds} rounds of 4 concurrent requests");
    let faults = FaultInjector::seeded(seed);
    let (api, alipay) = TestApi::start_with_faults(&faults).await;
    let skus = [("tea", "shop-a", 400), ("cup", "shop-a", 400), ("pot", "shop-b", 400)];
    for (sku, shop, stock) in skus {
        api.put_sku(shop, sku, "10.00", stock).await;
    }
    let buyers: Vec<String> = (0..3).map(|i| format!("buyer-{i}")).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    faults.fail_randomly(0.25, &Fault::ALL, &[]);
    let mut known: Vec<(String, String, String)> = Vec::new(); // (buyer, order_no, payable) of orders seen created
    let mut statuses: HashMap<u16, usize> = HashMap::new();
    for _ in 0..rounds {
        let mut requests = Vec::new();
        for _ in 0..4 {
            let buyer = buyers[rng.random_range(0..buyers.len())].clone();
            let target = (!known.is_empty()).then(|| known[rng.random_range(0..known.len())].clone());
            let kind = rng.random_range(0..8);
            let (sku, shop, _) = skus[rng.random_range(0..skus.len())];
            let quantity = rng.random_range(1..4);
            requests.push((kind, buyer, target, sku, shop, quantity));
        }
        let answers = join_all(requests.into_iter().map(|(kind, buyer, target, sku, shop, quantity)| {
            let (api, alipay) = (&api, &alipay);
            async move {
                let token = api.buyer(&buyer);
                match (kind, target) {
                    (0 | 1, _) | (_, None) => {
                        let answer = api.create(&token, &[(sku, quantity)]).await;
                        let created: Vec<(String, String, String)> = answer.data()["orders"]
                            .as_array()
                            .map(|orders| {
                                orders
                                    .iter()
                                    .map(|o| {
                                        let no = o["order_no"].as_str().unwrap().to_string();
                                        (buyer.clone(), no, o["amounts"]["payable"].as_str().unwrap().to_string())
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        (answer.status.as_u16(), created)
                    }
                    (2, Some((owner, no, _))) => {
                        let token = api.buyer(&owner);
                        (
                            api.call(Method::POST, &format!("/api/v1/orders/{no}/cancel"), Some(&token), None)
                                .await
                                .status
                                .as_u16(),
                            vec![],
                        )
                    }
                    (3, Some((_, no, amount))) => {
                        let (status, _) =
                            api.notify(&alipay_notification(alipay, DEV_APP_ID, &no, &amount, &format!("T{no}"))).await;
                        (status.as_u16(), vec![])
                    }
                    (4, Some((_, no, _))) => {
                        let seller = api.seller("u", shop);
                        let ship = json!({"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF1"});
                        (
                            api.call(
                                Method::POST,
                                &format!("/api/v1/seller/orders/{no}/ship"),
                                Some(&seller),
                                Some(ship),
                            )
                            .await
                            .status
                            .as_u16(),
                            vec![],
                        )
                    }
                    (6, Some((owner, no, _))) => {
                        let token = api.buyer(&owner);
                        let body = json!({"type": "refund_only", "reason": "faults"});
                        let path = format!("/api/v1/orders/{no}/refund");
                        (api.call(Method::POST, &path, Some(&token), Some(body)).await.status.as_u16(), vec![])
                    }
                    (7, Some((_, no, _))) => {
                        let seller = api.seller("u", shop);
                        let path = format!("/api/v1/seller/orders/{no}/refund/approve");
                        (api.call(Method::POST, &path, Some(&seller), None).await.status.as_u16(), vec![])
                    }
                    (_, Some((owner, no, _))) => {
                        let token = api.buyer(&owner);
                        (
                            api.call(Method::POST, &format!("/api/v1/orders/{no}/receipt"), Some(&token), None)
                                .await
                                .status
                                .as_u16(),
                            vec![],
                        )
                    }
                }
            }
        }))
        .await;
        for (status, created) in answers {
            assert!(
                matches!(status, 200 | 201 | 404 | 409 | 503),
                "seed {seed}: an answer other than success, 404 (another shop's order), 409 or 503: {status}"
            );
            *statuses.entry(status).or_default() += 1;
            known.extend(created);
        }
    }
    faults.stop();
    eprintln!("answers {statuses:?}; faults injected {:?}", faults.injected());
    // Payouts whose outcome was lost are finished by the schedule, with their request numbers.
    for hours in [1, 48] {
        retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(hours * 3600)).await.expect("payout retries");
    }
    let orders = all_orders(&api, &buyers).await;
    assert!(orders.len() >= known.len());

    // Money: what the orders say went back is what the gateway paid, each case once.
    let cases = || orders.iter().flat_map(|order| order.refund.iter().chain(order.refunds.iter()));
    let pending = cases().filter(|case| case.state == RefundState::Refunding).count();
    assert_eq!(pending, 0, "seed {seed}: every payout settled");
    let late_payouts = || orders.iter().flat_map(|order| order.late_payments.iter());
    let pending_late = late_payouts().filter(|late| late.payout.as_ref().is_some_and(|p| p.in_flight())).count();
    assert_eq!(pending_late, 0, "seed {seed}: every late payout settled");
    let refunded: i64 = orders.iter().map(|order| order.amounts.refunded.0).sum::<i64>()
        + late_payouts()
            .filter(|late| late.payout.as_ref().is_some_and(|p| p.status == PayoutStatus::Succeeded))
            .map(|late| late.amount.0)
            .sum::<i64>();
    let gateway = api.gateway.as_ref().unwrap().paid();
    assert_eq!(
        refunded,
        gateway.iter().map(|paid| paid.amount.0).sum::<i64>(),
        "seed {seed}: recount of refunded money"
    );
    let requests: std::collections::BTreeSet<&str> = gateway.iter().map(|paid| paid.out_request_no.as_str()).collect();
    assert_eq!(requests.len(), gateway.len(), "seed {seed}: no request number paid twice");
    eprintln!("{} refunds paid, {} in total", gateway.len(), refunded);

    // Stock: what open orders hold is reserved; what shipped left the shelf.
    for (sku, _, stock) in skus {
        let figures = api.app.store.get_sku(sku).await.unwrap().unwrap();
        let line = |order: &Order| {
            order.lines.iter().filter(|line| line.sku_id == sku).map(|l| i64::from(l.units_kept())).sum::<i64>()
        };
        let held: i64 = orders
            .iter()
            .filter(|o| matches!(o.status, OrderStatus::PendingPayment | OrderStatus::Paid))
            .map(line)
            .sum();
        // Whole-order refunds only: an order that shipped consumed every unit it had.
        let shipped: i64 = orders
            .iter()
            .filter(|o| o.shipment.is_some())
            .flat_map(|o| o.lines.iter().filter(|line| line.sku_id == sku))
            .map(|line| i64::from(line.quantity))
            .sum();
        assert_eq!(figures.reserved, held, "seed {seed}: {sku} reserved");
        assert_eq!(figures.on_hand, stock - shipped, "seed {seed}: {sku} on hand");
        assert_eq!(figures.available + figures.reserved, figures.on_hand, "seed {seed}: {sku}");
    }
    // Counters equal a recount, for every buyer and shop.
    for buyer in &buyers {
        let mine: Vec<Order> = orders.iter().filter(|o| &o.buyer_id == buyer).cloned().collect();
        let counts = api.app.store.buyer_counts(buyer).await.unwrap();
        let expected = recount(&mine, Side::Buyer);
        for bucket in Bucket::ALL {
            assert_eq!(
                counts.get(bucket),
                expected.get(bucket.name()).copied().unwrap_or(0),
                "seed {seed}: {buyer} {}",
                bucket.name()
            );
        }
    }
    for shop in ["shop-a", "shop-b"] {
        let theirs: Vec<Order> = orders.iter().filter(|o| o.seller_id == shop).cloned().collect();
        let counts = api.app.store.seller_counts(shop).await.unwrap();
        let expected = recount(&theirs, Side::Seller);
        for bucket in Bucket::ALL {
            assert_eq!(
                counts.get(bucket),
                expected.get(bucket.name()).copied().unwrap_or(0),
                "seed {seed}: {shop} {}",
                bucket.name()
            );
        }
    }
    // Every order has its number claim (written in the same transaction).
    let numbers: Vec<String> = orders.iter().map(|order| order.order_no.clone()).collect();
    assert_eq!(api.app.store.orders_by_nos(&numbers).await.unwrap().len(), orders.len(), "seed {seed}");
}
