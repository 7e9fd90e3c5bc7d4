//! After-sales through HTTP: applying, withdrawing, rejecting, approving, returns with their
//! shipment and confirmation, timers, and the money going back through the stand-in Alipay
//! gateway exactly once — under races, gateway faults (refusals, stalls, 5xx, system errors,
//! answers that do not verify) and store faults between the steps.

use futures::future::join_all;
use orders_dev::alipay_gateway::Fault as GatewayFault;
use orders_integration_tests::faults::{Fault, FaultInjector};
use orders_integration_tests::{alipay_notification, Answer, Method, SigningKey, StatusCode, TestApi, DEV_APP_ID};
use orders_shared::app::after_sales::{retry_refund_payouts, run_timers};
use orders_shared::domain::money::Money;
use orders_shared::domain::time::Timestamp;
use serde_json::{json, Value};
use std::time::Duration;

const SHOP: &str = "shop-a";

fn seller(api: &TestApi) -> String {
    api.seller("shop-a-user", SHOP)
}

/// An order of `quantity` × tea (64.00 each) paid through Alipay (trade `T-<order_no>`).
async fn paid_order(api: &TestApi, alipay: &SigningKey, buyer: &str, quantity: i64) -> String {
    api.paid_order(alipay, buyer, quantity).await
}

async fn ship(api: &TestApi, no: &str) {
    let shipped = api
        .call(
            Method::POST,
            &format!("/api/v1/seller/orders/{no}/ship"),
            Some(&seller(api)),
            Some(json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF100"})),
        )
        .await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
}

async fn apply(api: &TestApi, buyer: &str, no: &str, body: Value) -> Answer {
    api.call(Method::POST, &format!("/api/v1/orders/{no}/refund"), Some(buyer), Some(body)).await
}

async fn shop_does(api: &TestApi, no: &str, step: &str, body: Option<Value>) -> Answer {
    api.call(Method::POST, &format!("/api/v1/seller/orders/{no}/refund/{step}"), Some(&seller(api)), body).await
}

async fn order(api: &TestApi, buyer: &str, no: &str) -> Value {
    let answer = api.call(Method::GET, &format!("/api/v1/orders/{no}"), Some(buyer), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.data().clone()
}

async fn count(api: &TestApi, token: &str, seller: bool, bucket: &str) -> i64 {
    let path = if seller { "/api/v1/seller/order-counts" } else { "/api/v1/order-counts" };
    api.call(Method::GET, path, Some(token), None).await.data()[bucket].as_i64().unwrap()
}

async fn sku(api: &TestApi, sku_id: &str) -> Value {
    let answer = api.call(Method::GET, &format!("/api/v1/seller/skus/{sku_id}"), Some(&seller(api)), None).await;
    answer.data().clone()
}

fn case(order: &Value) -> &Value {
    &order["refund"]
}

fn paid_back(api: &TestApi, no: &str) -> Money {
    api.gateway.as_ref().expect("a stand-in gateway").paid_for(no)
}

/// Runs the payout retry schedule as if `seconds` had passed.
async fn retry_later(api: &TestApi, seconds: i64) {
    retry_refund_payouts(&api.app, Timestamp::now().plus_seconds(seconds)).await.expect("payout retries run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn money_only_goes_back_through_alipay_once_and_a_full_refund_closes_the_order() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let no = paid_order(&api, &alipay, &buyer, 2).await;
    assert_eq!(sku(&api, "tea").await["reserved"], 2);

    let applied = apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "Changed my mind"})).await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let requested = case(applied.data());
    assert_eq!((requested["status"].as_str(), requested["amount"].as_str()), (Some("requested"), Some("128.00")));
    assert_eq!(requested["refund_id"], format!("{no}-1"));
    assert_eq!(applied.data()["lines"][0]["refund_status"], "in_after_sales");
    assert_eq!(
        (count(&api, &buyer, false, "after_sales").await, count(&api, &seller(&api), true, "after_sales").await),
        (1, 1)
    );

    let approved = shop_does(&api, &no, "approve", None).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    let done = approved.data();
    assert_eq!(case(done)["status"], "refunded");
    assert_eq!(case(done)["payout"]["status"], "succeeded");
    assert_eq!(case(done)["payout"]["out_request_no"], format!("{no}-1"));
    assert_eq!((done["status"].as_str(), done["close_reason"].as_str()), (Some("closed"), Some("refunded")));
    assert_eq!(done["amounts"]["refunded"], "128.00");
    assert_eq!(done["lines"][0]["refund_status"], "refunded");
    let history: Vec<&str> =
        case(done)["history"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["requested", "refunding", "refunded"]);
    assert_eq!(paid_back(&api, &no), Money(12_800));
    let stock = sku(&api, "tea").await;
    assert_eq!(
        (stock["reserved"].as_i64(), stock["available"].as_i64()),
        (Some(0), Some(10)),
        "unshipped units go back on sale"
    );
    assert_eq!(count(&api, &buyer, false, "after_sales").await, 0);
    let payment = api.call(Method::GET, &format!("/api/v1/orders/{no}/payment"), Some(&buyer), None).await;
    assert_eq!(payment.data()["status"], "refunded");

    // A retry after success pays nothing more.
    let again = shop_does(&api, &no, "retry-payout", None).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, 10007));
    retry_later(&api, 86_400).await;
    assert_eq!(paid_back(&api, &no), Money(12_800));
    let (calls, refused) = api.gateway.as_ref().unwrap().calls();
    assert_eq!((calls, refused), (1, 0), "one signed call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn part_of_an_order_is_refunded_by_line_and_the_rest_stays_as_it_was() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let no = paid_order(&api, &alipay, &buyer, 2).await;

    let too_much = apply(
        &api,
        &buyer,
        &no,
        json!({"type": "refund_only", "reason": "r", "amount": "64.01", "lines": [{"line_id": "1", "quantity": 1}]}),
    )
    .await;
    assert_eq!((too_much.status, too_much.code()), (StatusCode::BAD_REQUEST, 10005));
    assert!(too_much.body["msg"].as_str().unwrap().contains("amount"), "{}", too_much.body);
    let no_line = apply(
        &api,
        &buyer,
        &no,
        json!({"type": "refund_only", "reason": "r", "lines": [{"line_id": "2", "quantity": 1}]}),
    )
    .await;
    assert_eq!((no_line.status, no_line.code()), (StatusCode::BAD_REQUEST, 10005));
    let goods_back_unshipped = apply(&api, &buyer, &no, json!({"type": "return_and_refund", "reason": "r"})).await;
    assert_eq!((goods_back_unshipped.status, goods_back_unshipped.code()), (StatusCode::CONFLICT, 10007));

    let one = apply(
        &api,
        &buyer,
        &no,
        json!({"type": "refund_only", "reason": "one too many", "lines": [{"sku_id": "tea", "quantity": 1}]}),
    )
    .await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.body);
    assert_eq!(case(one.data())["amount"], "64.00", "what the unit can still refund");
    let second = apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "again"})).await;
    assert_eq!((second.status, second.code()), (StatusCode::CONFLICT, 10007), "one open case per order");
    let ship_now = api
        .call(
            Method::POST,
            &format!("/api/v1/seller/orders/{no}/ship"),
            Some(&seller(&api)),
            Some(json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF1"})),
        )
        .await;
    assert_eq!((ship_now.status, ship_now.code()), (StatusCode::CONFLICT, 10007), "no shipping while a case is open");

    let approved = shop_does(&api, &no, "approve", None).await;
    let partly = approved.data();
    assert_eq!((partly["status"].as_str(), partly["amounts"]["refunded"].as_str()), (Some("paid"), Some("64.00")));
    assert_eq!(partly["lines"][0]["refund_status"], "partly_refunded");
    assert_eq!(sku(&api, "tea").await["reserved"], 1, "the refunded unit is released");

    // The rest: a second case, then the order closes.
    let rest = apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "the other one"})).await;
    assert_eq!(case(rest.data())["refund_id"], format!("{no}-2"));
    assert_eq!(rest.data()["refunds"].as_array().unwrap().len(), 1, "the first case stays readable");
    let closed = shop_does(&api, &no, "approve", None).await;
    assert_eq!(
        (closed.data()["status"].as_str(), closed.data()["amounts"]["refunded"].as_str()),
        (Some("closed"), Some("128.00"))
    );
    assert_eq!(paid_back(&api, &no), Money(12_800));
    assert_eq!(api.gateway.as_ref().unwrap().paid().len(), 2, "two request numbers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn goods_go_back_to_the_shops_address_then_the_money_follows() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let no = paid_order(&api, &alipay, &buyer, 1).await;
    ship(&api, &no).await;
    assert_eq!(sku(&api, "tea").await["on_hand"], 9);

    let none = api.call(Method::GET, &format!("/api/v1/merchants/{SHOP}/return-address"), Some(&buyer), None).await;
    assert_eq!((none.status, none.code()), (StatusCode::NOT_FOUND, 10001));
    let applied = apply(
        &api,
        &buyer,
        &no,
        json!({"type": "return_and_refund", "reason": "Wrong size", "vouchers": ["https://example.com/1.jpg"]}),
    )
    .await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let nowhere = shop_does(&api, &no, "approve", None).await;
    assert_eq!((nowhere.status, nowhere.code()), (StatusCode::BAD_REQUEST, 10005), "{}", nowhere.body);

    let address = json!({"name": "Returns desk", "phone": "02800000000", "province": "Sichuan", "city": "Chengdu", "district": "Jinjiang", "detail": "8 Warehouse Rd"});
    let saved =
        api.call(Method::PUT, "/api/v1/seller/return-address", Some(&seller(&api)), Some(address.clone())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let shown = api.call(Method::GET, &format!("/api/v1/merchants/{SHOP}/return-address"), Some(&buyer), None).await;
    assert_eq!(shown.data()["detail"], "8 Warehouse Rd");

    let early = shop_does(&api, &no, "confirm-return", None).await;
    assert_eq!((early.status, early.code()), (StatusCode::CONFLICT, 10007));
    let approved = shop_does(&api, &no, "approve", None).await;
    assert_eq!(case(approved.data())["status"], "awaiting_return");
    assert_eq!(case(approved.data())["return_address"]["detail"], "8 Warehouse Rd");
    let too_early = shop_does(&api, &no, "confirm-return", None).await;
    assert_eq!((too_early.status, too_early.code()), (StatusCode::CONFLICT, 10007), "not sent back yet");

    let sent = api
        .call(Method::POST, &format!("/api/v1/orders/{no}/refund/return-shipment"), Some(&buyer),
              Some(json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF9", "vouchers": ["https://example.com/box.jpg"]})))
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(case(sent.data())["status"], "returning");
    let confirmed = shop_does(&api, &no, "confirm-return", Some(json!({"restock": true}))).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(case(confirmed.data())["status"], "refunded");
    assert_eq!(confirmed.data()["status"], "closed");
    assert_eq!(paid_back(&api, &no), Money(6_400));
    let stock = sku(&api, "tea").await;
    assert_eq!(
        (stock["on_hand"].as_i64(), stock["available"].as_i64(), stock["reserved"].as_i64()),
        (Some(10), Some(10), Some(0)),
        "restocked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_return_shipped_with_the_application_goes_straight_to_returning_and_rejections_allow_a_new_case() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let no = paid_order(&api, &alipay, &buyer, 1).await;
    ship(&api, &no).await;

    let first = apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "late"})).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let no_reason = shop_does(&api, &no, "reject", Some(json!({"reason": ""}))).await;
    assert_eq!((no_reason.status, no_reason.code()), (StatusCode::BAD_REQUEST, 10005));
    let rejected = shop_does(&api, &no, "reject", Some(json!({"reason": "It arrived on time"}))).await;
    assert_eq!(
        (case(rejected.data())["status"].as_str(), case(rejected.data())["reject_reason"].as_str()),
        (Some("rejected"), Some("It arrived on time"))
    );
    let withdraw_late = api.call(Method::DELETE, &format!("/api/v1/orders/{no}/refund"), Some(&buyer), None).await;
    assert_eq!((withdraw_late.status, withdraw_late.code()), (StatusCode::CONFLICT, 10007));

    let second = apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "try again"})).await;
    assert_eq!(second.status, StatusCode::CREATED);
    let withdrawn = api.call(Method::DELETE, &format!("/api/v1/orders/{no}/refund"), Some(&buyer), None).await;
    assert_eq!(case(withdrawn.data())["status"], "withdrawn");
    assert_eq!(count(&api, &buyer, false, "after_sales").await, 0);

    let at_once = apply(
        &api,
        &buyer,
        &no,
        json!({"type": "return_and_refund", "reason": "broken",
        "return_shipment": {"carrier_code": "YTO", "carrier_name": "YTO", "tracking_no": "YT1"}}),
    )
    .await;
    assert_eq!(at_once.status, StatusCode::CREATED, "{}", at_once.body);
    let body_address = json!({"return_address": {"name": "Desk", "phone": "02800000000", "province": "Sichuan", "city": "Chengdu", "detail": "1 Dock"}});
    let approved = shop_does(&api, &no, "approve", Some(body_address)).await;
    assert_eq!(case(approved.data())["status"], "returning", "the goods are already on their way");
    assert_eq!(approved.data()["refunds"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_racing_applications_open_exactly_one_case_and_two_racing_approvals_pay_once() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let no = paid_order(&api, &alipay, &buyer, 1).await;
    let body = json!({"type": "refund_only", "reason": "race"});
    let answers = join_all((0..8).map(|_| apply(&api, &buyer, &no, body.clone()))).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|answer| answer.status).collect();
    assert_eq!(statuses.iter().filter(|status| **status == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|status| *status == StatusCode::CREATED || *status == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert_eq!(count(&api, &buyer, false, "after_sales").await, 1);

    let approvals = join_all((0..2).map(|_| shop_does(&api, &no, "approve", None))).await;
    let ok = approvals.iter().filter(|answer| answer.status == StatusCode::OK).count();
    assert_eq!(ok, 1, "{:?}", approvals.iter().map(|a| a.body.clone()).collect::<Vec<_>>());
    retry_later(&api, 86_400).await;
    assert_eq!(paid_back(&api, &no), Money(6_400));
    assert_eq!(order(&api, &buyer, &no).await["amounts"]["refunded"], "64.00");
}

/// Every gateway fault, one order each: the case ends refunded, and the gateway paid each
/// order exactly what it refunded, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn payout_faults_are_retried_under_the_same_request_number_and_never_pay_twice() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 100).await;
    let buyer = api.buyer("alice");
    let gateway = api.gateway.clone().unwrap();
    let faults = [
        GatewayFault::Stall { paid: true, for_: Duration::from_millis(900) },
        GatewayFault::Stall { paid: false, for_: Duration::from_millis(900) },
        GatewayFault::BadGateway { paid: true },
        GatewayFault::BadGateway { paid: false },
        GatewayFault::SystemError,
        GatewayFault::BadSignature,
    ];
    let mut orders = Vec::new();
    for fault in faults {
        let no = paid_order(&api, &alipay, &buyer, 1).await;
        apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "fault"})).await;
        gateway.script([fault.clone()]);
        let approved = shop_does(&api, &no, "approve", None).await;
        assert_eq!(approved.status, StatusCode::OK, "{fault:?}: {}", approved.body);
        let payout = &case(approved.data())["payout"];
        assert_eq!(
            (case(approved.data())["status"].as_str(), payout["status"].as_str()),
            (Some("refunding"), Some("pending")),
            "{fault:?}"
        );
        assert_eq!(payout["attempts"], 1);
        assert!(payout["last_error"].is_string(), "{fault:?}: {payout}");
        orders.push((fault, no));
    }
    // The schedule, a minute on, tries each again with its number; every one is paid once.
    retry_later(&api, 120).await;
    retry_later(&api, 86_400).await;
    for (fault, no) in &orders {
        let done = order(&api, &buyer, no).await;
        assert_eq!(case(&done)["status"], "refunded", "{fault:?}: {done}");
        assert_eq!(paid_back(&api, no), Money(6_400), "{fault:?}");
        assert_eq!(case(&done)["payout"]["attempts"], 2, "{fault:?}");
    }

    // A business refusal waits for the shop, whose retry reuses the number.
    let no = paid_order(&api, &alipay, &buyer, 1).await;
    apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "refused"})).await;
    gateway.script([GatewayFault::Refuse("ACQ.SELLER_BALANCE_NOT_ENOUGH")]);
    let refused = shop_does(&api, &no, "approve", None).await;
    let payout = &case(refused.data())["payout"];
    assert_eq!(payout["status"], "failed");
    assert!(payout["last_error"].as_str().unwrap().contains("ACQ.SELLER_BALANCE_NOT_ENOUGH"));
    retry_later(&api, 86_400).await;
    assert_eq!(paid_back(&api, &no), Money::ZERO, "a refusal is not retried by the schedule");
    let retried = shop_does(&api, &no, "retry-payout", None).await;
    assert_eq!(case(retried.data())["status"], "refunded", "{}", retried.body);
    assert_eq!(case(retried.data())["payout"]["out_request_no"], format!("{no}-1"));
    assert_eq!(paid_back(&api, &no), Money(6_400));

    // The recount: what the orders say they refunded is what the gateway paid.
    let mut refunded = 0;
    for (_, no) in orders.iter().chain([(GatewayFault::SystemError, no.clone())].iter()) {
        refunded += Money::parse(order(&api, &buyer, no).await["amounts"]["refunded"].as_str().unwrap()).unwrap().0;
    }
    let total: i64 = gateway.paid().iter().map(|paid| paid.amount.0).sum();
    assert_eq!(refunded, total);
}

/// Crashes between the steps: the approval is written but its answer is lost before the gateway
/// is called; then the gateway pays but its answer cannot be written. The schedule finishes both
/// with the same request number, and nothing is paid twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn store_faults_between_the_payout_and_its_record_are_finished_by_the_schedule() {
    let faults = FaultInjector::seeded(13);
    let (api, alipay) = TestApi::start_with_faults_and(&faults, |_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let no = paid_order(&api, &alipay, &buyer, 1).await;
    apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "crash"})).await;

    // The approval lands, its answer is lost: the caller sees 503 and no call was made.
    faults.fail_next(Some("PutItem"), Fault::LostAnswer, 1);
    let approved = shop_does(&api, &no, "approve", None).await;
    assert_eq!(approved.status, StatusCode::SERVICE_UNAVAILABLE, "{}", approved.body);
    assert_eq!(paid_back(&api, &no), Money::ZERO);
    let written = order(&api, &buyer, &no).await;
    assert_eq!(
        (case(&written)["status"].as_str(), case(&written)["payout"]["status"].as_str()),
        (Some("refunding"), Some("pending"))
    );

    // The schedule calls the gateway, which pays; recording that fails every time.
    faults.fail_next(Some("TransactWriteItems"), Fault::Unreachable, 1_000);
    retry_later(&api, 120).await;
    assert_eq!(paid_back(&api, &no), Money(6_400), "the gateway paid");
    let stuck = order(&api, &buyer, &no).await;
    assert_eq!(case(&stuck)["payout"]["status"], "pending", "{stuck}");

    // The next run asks again with the same number: Alipay answers success without paying again.
    faults.stop();
    retry_later(&api, 240).await;
    let done = order(&api, &buyer, &no).await;
    assert_eq!(case(&done)["status"], "refunded", "{done}");
    assert_eq!(done["amounts"]["refunded"], "64.00");
    assert_eq!(paid_back(&api, &no), Money(6_400), "paid once");
    assert_eq!(api.gateway.as_ref().unwrap().paid().len(), 1);
    assert_eq!(api.gateway.as_ref().unwrap().calls().0, 2, "two calls, one payment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn timers_approve_unanswered_requests_close_unreturned_cases_and_confirm_returns() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let address = json!({"name": "Returns desk", "phone": "02800000000", "province": "Sichuan", "city": "Chengdu", "detail": "8 Warehouse Rd"});
    api.call(Method::PUT, "/api/v1/seller/return-address", Some(&seller(&api)), Some(address)).await;

    let unanswered = paid_order(&api, &alipay, &buyer, 1).await;
    apply(&api, &buyer, &unanswered, json!({"type": "refund_only", "reason": "no answer"})).await;
    let unreturned = paid_order(&api, &alipay, &buyer, 1).await;
    ship(&api, &unreturned).await;
    apply(&api, &buyer, &unreturned, json!({"type": "return_and_refund", "reason": "never sent"})).await;
    shop_does(&api, &unreturned, "approve", None).await;
    let unconfirmed = paid_order(&api, &alipay, &buyer, 1).await;
    ship(&api, &unconfirmed).await;
    apply(&api, &buyer, &unconfirmed, json!({"type": "return_and_refund", "reason": "sent", "return_shipment": {"carrier_code": "SF", "carrier_name": "SF", "tracking_no": "SF7"}})).await;
    shop_does(&api, &unconfirmed, "approve", None).await;

    let early = run_timers(&api.app, Timestamp::now().plus_seconds(3600)).await.unwrap();
    assert_eq!(early.done, 0, "nothing is due within the hour");
    // 48 hours on: the request is approved (and paid); 7 days: the unreturned case closes;
    // 10 days: the returned goods are confirmed and paid.
    let report = run_timers(&api.app, Timestamp::now().plus_seconds(11 * 86_400)).await.unwrap();
    assert_eq!((report.due, report.done), (3, 3), "{report:?}");
    let approved = order(&api, &buyer, &unanswered).await;
    assert_eq!((case(&approved)["status"].as_str(), approved["status"].as_str()), (Some("refunded"), Some("closed")));
    assert_eq!(case(&approved)["history"][1]["actor"], "system");
    let closed = order(&api, &buyer, &unreturned).await;
    assert_eq!((case(&closed)["status"].as_str(), closed["status"].as_str()), (Some("closed"), Some("shipped")));
    let confirmed = order(&api, &buyer, &unconfirmed).await;
    assert_eq!(case(&confirmed)["status"], "refunded");
    assert_eq!(
        paid_back(&api, &unanswered).0 + paid_back(&api, &unreturned).0 + paid_back(&api, &unconfirmed).0,
        12_800
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn completed_orders_take_cases_only_within_the_window() {
    let (api, alipay) = TestApi::start_with_alipay(|config| config.after_sales.window_seconds = 1).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let no = paid_order(&api, &alipay, &buyer, 1).await;
    ship(&api, &no).await;
    let received = api.call(Method::POST, &format!("/api/v1/orders/{no}/receipt"), Some(&buyer), None).await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let late = apply(&api, &buyer, &no, json!({"type": "return_and_refund", "reason": "too late"})).await;
    assert_eq!((late.status, late.code()), (StatusCode::CONFLICT, 10007));
    assert!(late.body["msg"].as_str().unwrap().contains("window"), "{}", late.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn money_that_arrives_after_its_order_closed_goes_back_by_itself() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let created = api.create(&buyer, &[("tea", 1)]).await;
    let no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let cancelled = api.call(Method::POST, &format!("/api/v1/orders/{no}/cancel"), Some(&buyer), None).await;
    assert_eq!(cancelled.status, StatusCode::OK);
    for _ in 0..3 {
        let (status, text) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "64.00", "T-LATE")).await;
        assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
    }
    let kept = order(&api, &buyer, &no).await;
    assert_eq!(kept["late_payments"][0]["payout"]["status"], "pending", "{kept}");
    assert_eq!(kept["late_payments"][0]["payout"]["out_request_no"], format!("{no}-late-T-LATE"));
    retry_later(&api, 0).await;
    let done = order(&api, &buyer, &no).await;
    assert_eq!(done["late_payments"][0]["payout"]["status"], "succeeded", "{done}");
    assert!(case(&done).is_null(), "a late payment is no after-sales case of the order: {done}");
    assert_eq!(done["amounts"]["refunded"], "0.00", "the order never took the money");
    assert_eq!(paid_back(&api, &no), Money(6_400), "paid back once however often Alipay repeats");
    retry_later(&api, 86_400).await;
    assert_eq!(paid_back(&api, &no), Money(6_400));
}

/// A second payment of a paid order (another trade) goes back through its own payout: when the
/// provider refuses that payout, the buyer's own after-sales still opens, is approved and pays,
/// and the shop's retry-payout sends the late payout again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_late_payment_whose_payout_fails_never_blocks_the_orders_own_after_sales() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    let buyer = api.buyer("alice");
    let no = paid_order(&api, &alipay, &buyer, 1).await;
    let (status, text) = api.notify(&alipay_notification(&alipay, DEV_APP_ID, &no, "64.00", "T-TWICE")).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
    let gateway = api.gateway.as_ref().unwrap();
    gateway.script([GatewayFault::Refuse("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")]);
    retry_later(&api, 0).await;
    let refused = order(&api, &buyer, &no).await;
    assert_eq!(refused["late_payments"][0]["payout"]["status"], "failed", "{refused}");

    let applied = apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "Changed my mind"})).await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let approved = shop_does(&api, &no, "approve", None).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(case(approved.data())["status"], "refunded", "{}", approved.body);
    assert_eq!(paid_back(&api, &no), Money(6_400), "the order's own refund");

    let retried = shop_does(&api, &no, "retry-payout", None).await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.body);
    retry_later(&api, 3_600).await;
    let done = order(&api, &buyer, &no).await;
    assert_eq!(done["late_payments"][0]["payout"]["status"], "succeeded", "{done}");
    assert_eq!(paid_back(&api, &no), Money(12_800), "and the late payment, once each");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_points_order_gets_its_points_back_in_the_approving_write() {
    let (api, _alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku_body(SHOP, "mug", json!({"name": "Points mug", "price": "30.00", "points_price": 300, "stock": 10}))
        .await;
    let buyer = api.buyer("alice");
    let admin = api.admin("root");
    api.call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 1000})))
        .await;
    let body = json!({"items": [{"sku_id": "mug", "quantity": 2}], "address": orders_integration_tests::address(), "order_type": "points"});
    let created = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
    let no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    assert_eq!(balance(&api, &buyer).await, 400);
    let with_amount = apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "r", "amount": "1.00"})).await;
    assert_eq!((with_amount.status, with_amount.code()), (StatusCode::BAD_REQUEST, 10005));
    let one = apply(
        &api,
        &buyer,
        &no,
        json!({"type": "refund_only", "reason": "one", "lines": [{"line_id": "1", "quantity": 1}]}),
    )
    .await;
    assert_eq!(case(one.data())["points"], 300);
    let approved = shop_does(&api, &no, "approve", None).await;
    assert_eq!(case(approved.data())["status"], "refunded", "{}", approved.body);
    assert_eq!(case(approved.data())["payout"]["channel"], "points");
    assert_eq!(approved.data()["status"], "paid", "one mug is still bought");
    assert_eq!(balance(&api, &buyer).await, 700);
    apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "two"})).await;
    let all = shop_does(&api, &no, "approve", None).await;
    assert_eq!(
        (all.data()["status"].as_str(), all.data()["close_reason"].as_str()),
        (Some("closed"), Some("refunded"))
    );
    assert_eq!(balance(&api, &buyer).await, 1000);
    assert_eq!(api.gateway.as_ref().unwrap().calls().0, 0, "no money moved");
}

async fn balance(api: &TestApi, buyer: &str) -> i64 {
    api.call(Method::GET, "/api/v1/points", Some(buyer), None).await.data()["balance"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn both_lists_show_the_orders_with_an_open_case_and_counts_agree() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "64.00", 50).await;
    let buyer = api.buyer("alice");
    let mut open = Vec::new();
    for index in 0..5 {
        let no = paid_order(&api, &alipay, &buyer, 1).await;
        if index % 2 == 0 {
            apply(&api, &buyer, &no, json!({"type": "refund_only", "reason": "list"})).await;
            open.push(no);
        }
    }
    for (token, path) in [(buyer.clone(), "/api/v1/orders"), (seller(&api), "/api/v1/seller/orders")] {
        let listed = api.call(Method::GET, &format!("{path}?status=after_sales&limit=2"), Some(&token), None).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        assert_eq!(listed.data()["total"], 3, "{path}: from the after_sales counter");
        let mut seen: Vec<String> = listed.data()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["order_no"].as_str().unwrap().to_string())
            .collect();
        let cursor = listed.data()["next_cursor"].as_str().expect("a second page").to_string();
        let next = api
            .call(Method::GET, &format!("{path}?status=after_sales&limit=2&cursor={cursor}"), Some(&token), None)
            .await;
        seen.extend(
            next.data()["items"].as_array().unwrap().iter().map(|o| o["order_no"].as_str().unwrap().to_string()),
        );
        seen.sort();
        let mut expected = open.clone();
        expected.sort();
        assert_eq!(seen, expected, "{path}");
    }
    let mixed = api.call(Method::GET, "/api/v1/orders?status=after_sales,paid", Some(&buyer), None).await;
    assert_eq!((mixed.status, mixed.code()), (StatusCode::BAD_REQUEST, 10005));
    shop_does(&api, &open[0], "approve", None).await;
    assert_eq!(count(&api, &buyer, false, "after_sales").await, 2);
    let after = api.call(Method::GET, "/api/v1/orders?status=after_sales", Some(&buyer), None).await;
    assert_eq!(after.data()["items"].as_array().unwrap().len(), 2);
}
