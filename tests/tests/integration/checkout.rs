//! Checkout through HTTP: the cart, buying from it, freight templates and shipping, the member
//! discount or points, and quotes that create charges exactly.

use futures::future::join_all;
use orders_integration_tests::{address, Answer, Method, StatusCode, TestApi};
use rand::{RngExt, SeedableRng};
use serde_json::{json, Value};

const SHOP: &str = "shop-a";

fn seller(api: &TestApi, shop: &str) -> String {
    api.seller(&format!("{shop}-user"), shop)
}

async fn put_template(api: &TestApi, shop: &str, id: &str, body: Value) -> Answer {
    let path = format!("/api/v1/seller/freight-templates/{id}");
    api.call(Method::PUT, &path, Some(&seller(api, shop)), Some(body)).await
}

fn standard() -> Value {
    json!({"name": "Standard", "from_province": "Zhejiang", "first_units": 2, "first_fee": "10.00",
           "additional_units": 3, "additional_fee": "5.00", "free_over": "200.00",
           "regions": [{"provinces": ["Xinjiang"], "first_fee": "30.00", "additional_fee": "15.00"}],
           "excluded_provinces": ["Hong Kong"]})
}

async fn put_cart(api: &TestApi, buyer: &str, sku: &str, quantity: i64, selected: bool) -> Answer {
    let body = json!({"quantity": quantity, "selected": selected});
    api.call(Method::PUT, &format!("/api/v1/cart/items/{sku}"), Some(buyer), Some(body)).await
}

async fn cart(api: &TestApi, buyer: &str) -> Value {
    api.call(Method::GET, "/api/v1/cart", Some(buyer), None).await.data().clone()
}

fn cart_skus(cart: &Value) -> Vec<String> {
    let mut skus: Vec<String> = cart["shops"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|shop| {
            shop["items"].as_array().unwrap().iter().map(|item| item["sku_id"].as_str().unwrap().to_string())
        })
        .collect();
    skus.sort();
    skus
}

fn money(value: &Value) -> i64 {
    let text = value.as_str().unwrap_or_else(|| panic!("money: {value}"));
    let (yuan, fen) = text.split_once('.').unwrap();
    yuan.parse::<i64>().unwrap() * 100 + fen.parse::<i64>().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_cart_is_priced_from_the_catalog_with_flags_and_a_bound() {
    let api = TestApi::start().await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    api.put_sku("shop-b", "pot", "268.00", 1).await;
    let buyer = api.buyer("alice");
    assert_eq!(put_cart(&api, &buyer, "tea", 2, true).await.status, StatusCode::OK);
    assert_eq!(put_cart(&api, &buyer, "pot", 3, false).await.status, StatusCode::OK);
    for (quantity, field) in [(0, "quantity"), (1000, "quantity")] {
        let refused = put_cart(&api, &buyer, "tea", quantity, true).await;
        assert_eq!((refused.status, refused.code()), (StatusCode::BAD_REQUEST, 10005));
        assert!(refused.body["msg"].as_str().unwrap().contains(field));
    }
    let missing = put_cart(&api, &buyer, "nothing", 1, true).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, 10001));

    // The seller raises the tea's price; the pot has too little stock.
    api.put_sku(SHOP, "tea", "70.00", 10).await;
    let shown = cart(&api, &buyer).await;
    assert_eq!(shown["item_count"], 2);
    let shops = shown["shops"].as_array().unwrap();
    assert_eq!(shops.len(), 2, "grouped by shop");
    let tea = &shops.iter().find(|shop| shop["seller_id"] == SHOP).unwrap()["items"][0];
    assert_eq!((tea["price"].as_str(), tea["price_when_added"].as_str()), (Some("70.00"), Some("64.00")));
    assert_eq!(tea["flags"], json!(["price_changed"]));
    assert_eq!(tea["line_total"], "140.00");
    let pot = &shops.iter().find(|shop| shop["seller_id"] == "shop-b").unwrap()["items"][0];
    assert_eq!(pot["flags"], json!(["out_of_stock"]));
    assert_eq!(shown["selected_total"], "140.00", "only the selected tea");

    // A SKU that is gone is flagged `unavailable`.
    let client = orders_dev::local_db::client(&orders_integration_tests::dynamodb_endpoint());
    let key = |pk: &str, sk: &str| {
        std::collections::HashMap::from([
            ("PK".to_string(), aws_sdk_dynamodb::types::AttributeValue::S(pk.into())),
            ("SK".to_string(), aws_sdk_dynamodb::types::AttributeValue::S(sk.into())),
        ])
    };
    client
        .delete_item()
        .table_name(&api.app.config.table_name)
        .set_key(Some(key("SKU#pot", "SKU")))
        .send()
        .await
        .unwrap();
    let gone = cart(&api, &buyer).await;
    let pot = &gone["shops"].as_array().unwrap().iter().find(|shop| shop["seller_id"] == "shop-b").unwrap()["items"][0];
    assert_eq!(pot["flags"], json!(["unavailable"]));

    let deleted = api.call(Method::DELETE, "/api/v1/cart/items/pot", Some(&buyer), None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    let again = api.call(Method::DELETE, "/api/v1/cart/items/pot", Some(&buyer), None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // At most 100 distinct SKUs: the 101st is refused naming `items`, even when added at once.
    for index in 0..100 {
        api.put_sku(SHOP, &format!("s{index}"), "1.00", 10).await;
    }
    let puts = join_all(
        (0..100).map(|index| put_cart(&api, &buyer, Box::leak(format!("s{index}").into_boxed_str()), 1, false)),
    )
    .await;
    let added = puts.iter().filter(|answer| answer.status == StatusCode::OK).count();
    let full = puts.iter().filter(|answer| answer.status == StatusCode::BAD_REQUEST).count();
    assert_eq!((added, full), (99, 1), "tea is the hundredth");
    let refused = puts.iter().find(|answer| answer.status == StatusCode::BAD_REQUEST).unwrap();
    assert!(refused.body["msg"].as_str().unwrap().contains("items"), "{}", refused.body);
    assert_eq!(cart(&api, &buyer).await["item_count"], 100);
    let emptied = api.call(Method::DELETE, "/api/v1/cart", Some(&buyer), None).await;
    assert_eq!(emptied.data()["removed"], 100);
    assert_eq!(cart(&api, &buyer).await["item_count"], 0);
    assert_eq!(put_cart(&api, &buyer, "tea", 1, true).await.status, StatusCode::OK, "the count went back to 0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn buying_from_the_cart_makes_one_order_per_shop_and_takes_only_the_bought_items_out() {
    let api = TestApi::start().await;
    api.put_sku(SHOP, "tea", "64.00", 10).await;
    api.put_sku(SHOP, "cup", "39.90", 10).await;
    api.put_sku("shop-b", "pot", "268.00", 1).await;
    let buyer = api.buyer("alice");
    put_cart(&api, &buyer, "tea", 2, true).await;
    put_cart(&api, &buyer, "cup", 1, false).await;
    put_cart(&api, &buyer, "pot", 1, true).await;

    let nothing_picked = api
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&buyer),
            Some(json!({"from_cart": true, "sku_ids": ["tray"], "address": address()})),
        )
        .await;
    assert_eq!((nothing_picked.status, nothing_picked.code()), (StatusCode::BAD_REQUEST, 10005));
    let both = api
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&buyer),
            Some(json!({"from_cart": true, "items": [{"sku_id": "tea", "quantity": 1}], "address": address()})),
        )
        .await;
    assert_eq!((both.status, both.code()), (StatusCode::BAD_REQUEST, 10005));

    // The pot sells out to someone else: the whole call fails naming it, the cart stays.
    let other = api.buyer("bob");
    assert_eq!(api.create(&other, &[("pot", 1)]).await.status, StatusCode::CREATED);
    let body = json!({"from_cart": true, "address": address()});
    let sold_out = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body.clone())).await;
    assert_eq!((sold_out.status, sold_out.code()), (StatusCode::CONFLICT, 10008));
    assert!(sold_out.body["msg"].as_str().unwrap().contains("pot"), "{}", sold_out.body);
    assert_eq!(cart_skus(&cart(&api, &buyer).await), ["cup", "pot", "tea"]);

    // Pick the tea only (with a key): one order; the tea leaves the cart, the rest stays.
    api.calls.take();
    let picked = json!({"from_cart": true, "sku_ids": ["tea"], "address": address()});
    let headers = [("Idempotency-Key", "cart-1")];
    let created = api.call_with(Method::POST, "/api/v1/orders", Some(&buyer), Some(picked.to_string()), &headers).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let calls = api.calls.take();
    assert_eq!(calls, ["Query", "BatchGetItem", "TransactWriteItems"], "the cart, then one read, then one write");
    let orders = created.data()["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["lines"][0]["quantity"], 2);
    assert_eq!(cart_skus(&cart(&api, &buyer).await), ["cup", "pot"]);
    let replay = api.call_with(Method::POST, "/api/v1/orders", Some(&buyer), Some(picked.to_string()), &headers).await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.data()["orders"][0]["order_no"], orders[0]["order_no"], "the same orders, nothing bought twice");

    // Two shops at once: one order each, both items out of the cart.
    api.put_sku("shop-b", "pot", "268.00", 5).await;
    put_cart(&api, &buyer, "cup", 1, true).await;
    let two = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body)).await;
    assert_eq!(two.status, StatusCode::CREATED, "{}", two.body);
    let sellers: Vec<&str> =
        two.data()["orders"].as_array().unwrap().iter().map(|o| o["seller_id"].as_str().unwrap()).collect();
    assert_eq!(sellers, [SHOP, "shop-b"]);
    assert_eq!(cart(&api, &buyer).await["item_count"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shipping_follows_each_shops_templates_by_group_region_and_free_threshold() {
    let api = TestApi::start().await;
    assert_eq!(put_template(&api, SHOP, "std", standard()).await.status, StatusCode::OK);
    let bulky = json!({"name": "Bulky", "from_province": "Zhejiang", "first_units": 1, "first_fee": "20.00",
                       "additional_units": 1, "additional_fee": "20.00"});
    assert_eq!(put_template(&api, SHOP, "bulky", bulky).await.status, StatusCode::OK);
    let bad = put_template(&api, SHOP, "bad", json!({"name": "x", "from_province": "x", "first_units": 0, "first_fee": "1.00", "additional_units": 1, "additional_fee": "1.00"})).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::BAD_REQUEST, 10005));
    let shop = seller(&api, SHOP);
    for (sku, price, template) in
        [("tea", "64.00", "std"), ("cup", "10.00", "std"), ("tray", "89.00", "bulky"), ("free", "5.00", "")]
    {
        let mut body = json!({"name": sku, "price": price, "stock": 100});
        if !template.is_empty() {
            body["freight_template_id"] = json!(template);
        }
        api.put_sku_body(SHOP, sku, body).await;
    }
    let nowhere = api
        .call(
            Method::PUT,
            "/api/v1/seller/skus/pen",
            Some(&shop),
            Some(json!({"name": "pen", "price": "1.00", "stock": 1, "freight_template_id": "nope"})),
        )
        .await;
    assert_eq!((nowhere.status, nowhere.code()), (StatusCode::BAD_REQUEST, 10005));
    assert!(nowhere.body["msg"].as_str().unwrap().contains("freight_template_id"));

    let buyer = api.buyer("alice");
    let quote = |items: Value, province: &str| {
        let mut to = address();
        to["province"] = json!(province);
        json!({"items": items, "address": to})
    };
    let charge = |body: Value| {
        let api = &api;
        let buyer = buyer.clone();
        async move { api.call(Method::POST, "/api/v1/orders/quote", Some(&buyer), Some(body)).await }
    };
    // std group: 2 teas + 2 cups = 4 units, 148.00 of goods: 10.00 + ceil(2/3) × 5.00 = 15.00;
    // bulky: 2 trays = 40.00; the pen-free SKU ships free.
    let items = json!([{"sku_id": "tea", "quantity": 2}, {"sku_id": "cup", "quantity": 2}, {"sku_id": "tray", "quantity": 2}, {"sku_id": "free", "quantity": 1}]);
    let answer = charge(quote(items.clone(), "Sichuan")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.data()["orders"][0]["amounts"]["shipping"], "55.00");
    let xinjiang = charge(quote(items.clone(), "Xinjiang")).await;
    assert_eq!(xinjiang.data()["orders"][0]["amounts"]["shipping"], "85.00", "30.00 + 15.00 for std, 40.00 bulky");
    let hong_kong = charge(quote(items.clone(), "Hong Kong")).await;
    assert_eq!((hong_kong.status, hong_kong.code()), (StatusCode::BAD_REQUEST, 10005));
    assert!(hong_kong.body["msg"].as_str().unwrap().contains("address"), "{}", hong_kong.body);
    // The std group reaches 200.00: it ships free; bulky still pays.
    let big = json!([{"sku_id": "tea", "quantity": 4}, {"sku_id": "tray", "quantity": 1}]);
    assert_eq!(charge(quote(big, "Sichuan")).await.data()["orders"][0]["amounts"]["shipping"], "20.00");

    // Create charges what the quote said.
    let created = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(quote(items, "Sichuan"))).await;
    assert_eq!(created.data()["orders"][0]["amounts"]["shipping"], "55.00");
    assert_eq!(
        created.data()["orders"][0]["amounts"]["payable"],
        money_text(64_00 * 2 + 10_00 * 2 + 89_00 * 2 + 5_00 + 55_00)
    );

    // calculate-shipping, the listing and deletes.
    let fee = api
        .call(
            Method::GET,
            &format!("/api/v1/shipping-fee?seller_id={SHOP}&template_id=std&province=Xinjiang&quantity=6"),
            Some(&buyer),
            None,
        )
        .await;
    assert_eq!(fee.status, StatusCode::OK, "{}", fee.body);
    assert_eq!(
        (fee.data()["fee"].as_str(), fee.data()["from"].as_str(), fee.data()["to"].as_str()),
        (Some("60.00"), Some("Zhejiang"), Some("Xinjiang"))
    );
    let listed = api.call(Method::GET, "/api/v1/seller/freight-templates", Some(&shop), None).await;
    let uses: Vec<(String, i64)> = listed.data()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["template_id"].as_str().unwrap().to_string(), t["used_by_skus"].as_i64().unwrap()))
        .collect();
    assert_eq!(uses, [("bulky".to_string(), 1), ("std".to_string(), 2)]);
    let in_use = api.call(Method::DELETE, "/api/v1/seller/freight-templates/std", Some(&shop), None).await;
    assert_eq!((in_use.status, in_use.code()), (StatusCode::CONFLICT, 10007));
    // Moving the cup to bulky and the tea off any template frees std.
    api.put_sku_body(
        SHOP,
        "cup",
        json!({"name": "cup", "price": "10.00", "stock": 100, "freight_template_id": "bulky"}),
    )
    .await;
    api.put_sku_body(SHOP, "tea", json!({"name": "tea", "price": "64.00", "stock": 100})).await;
    let freed = api.call(Method::DELETE, "/api/v1/seller/freight-templates/std", Some(&shop), None).await;
    assert_eq!(freed.status, StatusCode::OK, "{}", freed.body);
    let missing = api.call(Method::DELETE, "/api/v1/seller/freight-templates/std", Some(&shop), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

fn money_text(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_member_discount_or_points_never_both_and_a_refund_gives_back_a_lines_share() {
    let (api, alipay) = TestApi::start_with_alipay(|_| {}).await;
    api.put_sku(SHOP, "tea", "9.99", 100).await;
    api.put_sku(SHOP, "cup", "12.80", 100).await;
    let admin = api.admin("root");
    let buyer = api.buyer("alice");
    let level = api
        .call(
            Method::PUT,
            "/api/v1/admin/member-levels/gold",
            Some(&admin),
            Some(json!({"name": "Gold", "discount_percent": 15})),
        )
        .await;
    assert_eq!(level.status, StatusCode::OK, "{}", level.body);
    for (bad_level, body) in [
        ("x".repeat(33), json!({"name": "X", "discount_percent": 5})),
        ("ok".into(), json!({"name": "X", "discount_percent": 101})),
    ] {
        let refused =
            api.call(Method::PUT, &format!("/api/v1/admin/member-levels/{bad_level}"), Some(&admin), Some(body)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    }
    let not_admin = api
        .call(
            Method::PUT,
            "/api/v1/admin/member-levels/gold",
            Some(&buyer),
            Some(json!({"name": "G", "discount_percent": 99})),
        )
        .await;
    assert_eq!(not_admin.status, StatusCode::FORBIDDEN);
    let me = api.call(Method::GET, "/api/v1/me", Some(&buyer), None).await;
    assert_eq!((me.data()["level"].is_null(), me.data()["points"].as_i64()), (true, Some(0)));
    let unknown =
        api.call(Method::PUT, "/api/v1/admin/members/alice", Some(&admin), Some(json!({"level": "platinum"}))).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    api.call(Method::PUT, "/api/v1/admin/members/alice", Some(&admin), Some(json!({"level": "gold"}))).await;
    api.call(Method::POST, "/api/v1/admin/points", Some(&admin), Some(json!({"buyer_id": "alice", "points": 500})))
        .await;
    let me = api.call(Method::GET, "/api/v1/me", Some(&buyer), None).await;
    assert_eq!(
        me.data(),
        &json!({"buyer_id": "alice", "level": {"id": "gold", "name": "Gold", "discount_percent": 15}, "points": 500})
    );

    let items = json!([{"sku_id": "tea", "quantity": 3}, {"sku_id": "cup", "quantity": 1}]);
    let both = api
        .call(
            Method::POST,
            "/api/v1/orders/quote",
            Some(&buyer),
            Some(json!({"items": items, "address": address(), "benefit": "discount", "points_to_use": 100})),
        )
        .await;
    assert_eq!((both.status, both.code()), (StatusCode::BAD_REQUEST, 10005));
    assert!(both.body["msg"].as_str().unwrap().contains("benefit"));

    // 15 % per line, each rounded down: 29.97 → 4.49 (4.4955), 12.80 → 1.92.
    let created = api
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&buyer),
            Some(json!({"items": items, "address": address(), "benefit": "discount"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let order = &created.data()["orders"][0];
    assert_eq!(order["lines"][0]["discount"], "4.49");
    assert_eq!(order["lines"][1]["discount"], "1.92");
    let amounts = &order["amounts"];
    assert_eq!((amounts["discount"].as_str(), amounts["discount_type"].as_str()), (Some("6.41"), Some("member")));
    assert_eq!(amounts["payable"], "36.36", "42.77 − 6.41");
    assert_eq!(amounts["points_used"], 0);

    let with_points = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(json!({"items": [{"sku_id": "cup", "quantity": 1}], "address": address(), "benefit": "points", "points_to_use": 300}))).await;
    let amounts = &with_points.data()["orders"][0]["amounts"];
    assert_eq!(
        (
            amounts["discount"].as_str(),
            amounts["points_deduction"].as_str(),
            amounts["payable"].as_str(),
            amounts["discount_type"].as_str()
        ),
        (Some("0.00"), Some("3.00"), Some("9.80"), Some("points"))
    );
    let plain = api
        .call(
            Method::POST,
            "/api/v1/orders/quote",
            Some(&buyer),
            Some(json!({"items": [{"sku_id": "cup", "quantity": 1}], "address": address()})),
        )
        .await;
    assert!(plain.data()["orders"][0]["amounts"]["discount_type"].is_null(), "neither");

    // Pay the discounted order and refund the tea line: its share is 29.97 − 4.49 = 25.48.
    let no = order["order_no"].as_str().unwrap();
    let form = orders_integration_tests::alipay_notification(
        &alipay,
        orders_integration_tests::DEV_APP_ID,
        no,
        "36.36",
        "T-d",
    );
    assert_eq!(api.notify(&form).await.0, StatusCode::OK);
    let applied = api
        .call(
            Method::POST,
            &format!("/api/v1/orders/{no}/refund"),
            Some(&buyer),
            Some(json!({"type": "refund_only", "reason": "r", "lines": [{"sku_id": "tea", "quantity": 3}]})),
        )
        .await;
    assert_eq!(applied.data()["refund"]["amount"], "25.48", "{}", applied.body);
    let too_much = api.call(Method::DELETE, &format!("/api/v1/orders/{no}/refund"), Some(&buyer), None).await;
    assert_eq!(too_much.status, StatusCode::OK);
    let over = api
        .call(Method::POST, &format!("/api/v1/orders/{no}/refund"), Some(&buyer), Some(json!({"type": "refund_only", "reason": "r", "amount": "25.49", "lines": [{"sku_id": "tea", "quantity": 3}]})))
        .await;
    assert_eq!((over.status, over.code()), (StatusCode::BAD_REQUEST, 10005));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_create_right_after_a_quote_charges_exactly_the_quote_for_random_carts() {
    let api = TestApi::start().await;
    put_template(&api, SHOP, "std", standard()).await;
    put_template(&api, "shop-b", "std", json!({"name": "B", "from_province": "Sichuan", "first_units": 1, "first_fee": "6.00", "additional_units": 2, "additional_fee": "3.00", "free_over": "99.00"})).await;
    let skus = [
        ("tea", SHOP, "64.00", true),
        ("cup", SHOP, "9.90", true),
        ("tray", SHOP, "89.00", false),
        ("pot", "shop-b", "26.80", true),
        ("mat", "shop-b", "3.33", false),
    ];
    for (sku, shop, price, templated) in skus {
        let mut body = json!({"name": sku, "price": price, "stock": 10_000});
        if templated {
            body["freight_template_id"] = json!("std");
        }
        api.put_sku_body(shop, sku, body).await;
    }
    let admin = api.admin("root");
    api.call(
        Method::PUT,
        "/api/v1/admin/member-levels/vip",
        Some(&admin),
        Some(json!({"name": "VIP", "discount_percent": 7})),
    )
    .await;
    let seed: u64 = std::env::var("QUOTE_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or_else(rand::random);
    let rounds: usize = std::env::var("QUOTE_ROUNDS").ok().and_then(|rounds| rounds.parse().ok()).unwrap_or(20);
    eprintln!("quote seed {seed}, {rounds} carts");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for round in 0..rounds {
        let buyer = api.buyer(&format!("b{round}"));
        api.call(Method::PUT, &format!("/api/v1/admin/members/b{round}"), Some(&admin), Some(json!({"level": "vip"})))
            .await;
        api.call(
            Method::POST,
            "/api/v1/admin/points",
            Some(&admin),
            Some(json!({"buyer_id": format!("b{round}"), "points": 2000})),
        )
        .await;
        for (sku, ..) in skus {
            if rng.random_bool(0.6) {
                put_cart(&api, &buyer, sku, rng.random_range(1..8), rng.random_bool(0.8)).await;
            }
        }
        let mut body = json!({"from_cart": true, "address": address()});
        match rng.random_range(0..3) {
            0 => body["benefit"] = json!("discount"),
            1 => body["points_to_use"] = json!(rng.random_range(1..500)),
            _ => {}
        }
        if rng.random_bool(0.3) {
            body["address"]["province"] = json!("Xinjiang");
        }
        let quoted = api.call(Method::POST, "/api/v1/orders/quote", Some(&buyer), Some(body.clone())).await;
        let created = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body.clone())).await;
        if quoted.status != StatusCode::OK {
            assert_eq!(
                (quoted.status, quoted.code()),
                (created.status, created.code()),
                "seed {seed} round {round}: {}",
                quoted.body
            );
            continue;
        }
        assert_eq!(created.status, StatusCode::CREATED, "seed {seed} round {round}: {}", created.body);
        let quoted_orders = quoted.data()["orders"].as_array().unwrap();
        let created_orders = created.data()["orders"].as_array().unwrap();
        assert_eq!(quoted_orders.len(), created_orders.len());
        let mut payable = 0;
        for (quote, order) in quoted_orders.iter().zip(created_orders) {
            assert_eq!(quote["seller_id"], order["seller_id"]);
            for field in
                ["goods", "shipping", "discount", "points_used", "points_deduction", "discount_type", "payable"]
            {
                assert_eq!(quote["amounts"][field], order["amounts"][field], "seed {seed} round {round}: {field}");
            }
            payable += money(&order["amounts"]["payable"]);
        }
        assert_eq!(money(&quoted.data()["total"]["payable"]), payable);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_item_that_sells_out_between_the_quote_and_the_create_fails_the_create_and_keeps_the_cart() {
    let api = TestApi::start().await;
    api.put_sku(SHOP, "tea", "64.00", 2).await;
    let buyer = api.buyer("alice");
    put_cart(&api, &buyer, "tea", 2, true).await;
    let body = json!({"from_cart": true, "address": address()});
    let quoted = api.call(Method::POST, "/api/v1/orders/quote", Some(&buyer), Some(body.clone())).await;
    assert_eq!(quoted.data()["total"]["payable"], "128.00");
    assert_eq!(api.create(&api.buyer("bob"), &[("tea", 1)]).await.status, StatusCode::CREATED);
    let created = api.call(Method::POST, "/api/v1/orders", Some(&buyer), Some(body.clone())).await;
    assert_eq!((created.status, created.code()), (StatusCode::CONFLICT, 10008));
    assert_eq!(cart(&api, &buyer).await["item_count"], 1);
    let requoted = api.call(Method::POST, "/api/v1/orders/quote", Some(&buyer), Some(body)).await;
    assert_eq!((requoted.status, requoted.code()), (StatusCode::CONFLICT, 10008), "the quote says so too");
}
