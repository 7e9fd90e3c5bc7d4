//! DynamoDB Local stopped mid-request: 503 with code 10004 and Retry-After; after a restart no
//! order is half-written (stock and counters agree with the orders).

use futures::future::join_all;
use orders_dev::local_db::{free_port, LocalDynamo};
use orders_integration_tests::{Method, StatusCode, TestApi};
use orders_shared::adapters::store::{OrderQuery, Partition};
use orders_shared::domain::counters::{buckets, Bucket};
use orders_shared::domain::order::OrderStatus;
use orders_shared::domain::party::Side;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_store_outage_answers_503_and_leaves_nothing_half_written() {
    let data = std::env::temp_dir().join(format!("orders-outage-{}-{}", std::process::id(), rand::random::<u32>()));
    let mut dynamo = LocalDynamo::start(free_port(), Some(&data)).expect("start DynamoDB Local");
    let api = TestApi::start_on(&dynamo.endpoint()).await;
    api.put_sku("shop-a", "tea", "10.00", 1000).await;
    let buyers: Vec<String> = (0..4).map(|i| format!("buyer-{i}")).collect();

    // Buyers keep ordering while the store dies under them.
    let stop = AtomicBool::new(false);
    let created = AtomicUsize::new(0);
    let load = join_all(buyers.iter().map(|buyer| {
        let (api, stop, created) = (&api, &stop, &created);
        async move {
            let token = api.buyer(buyer);
            let mut statuses = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let answer = api.create(&token, &[("tea", 1)]).await;
                if answer.status == StatusCode::CREATED {
                    created.fetch_add(1, Ordering::Relaxed);
                }
                if answer.status == StatusCode::SERVICE_UNAVAILABLE {
                    assert_eq!(answer.code(), 10004, "{}", answer.body);
                    assert!(answer.headers.contains_key("retry-after"));
                }
                statuses.push(answer.status);
            }
            statuses
        }
    }));
    let chaos = async {
        // Kill it mid-load: once orders are going through (a busy machine may need a while).
        for _ in 0..600 {
            if created.load(Ordering::Relaxed) >= 4 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        dynamo.kill();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        stop.store(true, Ordering::Relaxed);
    };
    let (statuses, ()) = tokio::join!(load, chaos);
    let statuses: Vec<StatusCode> = statuses.into_iter().flatten().collect();
    assert!(statuses.contains(&StatusCode::CREATED), "orders went through before the outage");
    assert!(statuses.contains(&StatusCode::SERVICE_UNAVAILABLE), "the outage was answered with 503");
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::SERVICE_UNAVAILABLE),
        "only 201 or 503: {statuses:?}"
    );

    // While it is down, a read says the same.
    let down = api.call(Method::GET, "/api/v1/order-counts", Some(&api.buyer("buyer-0")), None).await;
    assert_eq!((down.status, down.code()), (StatusCode::SERVICE_UNAVAILABLE, 10004));
    assert_eq!(down.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));

    dynamo.restart().expect("restart DynamoDB Local on the same data");
    let mut held = 0;
    for buyer in &buyers {
        let page = api
            .app
            .store
            .query_orders(&OrderQuery { start: None, ..OrderQuery::new(Partition::Buyer(buyer.clone()), 100) })
            .await
            .expect("the store is back");
        assert!(page.next.is_none());
        let mut recount: HashMap<&str, i64> = HashMap::new();
        for order in &page.orders {
            for bucket in buckets(order, Side::Buyer) {
                *recount.entry(bucket.name()).or_default() += 1;
            }
            if order.status == OrderStatus::PendingPayment {
                held += order.lines.iter().map(|line| i64::from(line.quantity)).sum::<i64>();
            }
        }
        let counts = api.app.store.buyer_counts(buyer).await.expect("counts");
        for bucket in Bucket::ALL {
            assert_eq!(
                counts.get(bucket),
                recount.get(bucket.name()).copied().unwrap_or(0),
                "{buyer} {}",
                bucket.name()
            );
        }
    }
    assert!(held > 0);
    assert_eq!(api.stock("tea").await + held, 1000, "every unit is either in stock or in an order");
    drop(dynamo);
    let _ = std::fs::remove_dir_all(&data);
}
