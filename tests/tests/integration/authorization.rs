//! The authorization matrix, generated from template.yaml's routes so that a new route cannot
//! skip it: every route × no token, tokens API Gateway refuses (expired, not yet valid, another
//! key, unsigned, garbage), every wrong role; and every route that names an object of its caller
//! × another party's object, which must answer exactly as an object that does not exist (404).

use orders_dev::{auth, template, template_path};
use orders_integration_tests::{address, Answer, Method, StatusCode, TestApi, SECRET};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Who a route serves, read from its path and its OpenAPI description: `/seller/` routes are the
/// shop's, `/admin/` routes the admin's; a route that documents no 403 takes any signed-in role;
/// the rest are the buyer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Buyer,
    Seller,
    Admin,
    Anyone,
}

fn role_of(path: &str, method: &str, openapi: &Value) -> Role {
    if path.starts_with("/api/v1/seller/") {
        return Role::Seller;
    }
    if path.starts_with("/api/v1/admin/") {
        return Role::Admin;
    }
    let responses = &openapi["paths"][path][method.to_lowercase()]["responses"];
    assert!(responses.is_object(), "{method} {path} is not in the OpenAPI description");
    if responses.get("403").is_none() {
        Role::Anyone
    } else {
        Role::Buyer
    }
}

fn claims(sub: &str, role: &str, exp: i64, extra: &[(&str, Value)]) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(sub));
    claims.insert("role".into(), json!(role));
    claims.insert("exp".into(), json!(exp));
    for (name, value) in extra {
        claims.insert((*name).into(), value.clone());
    }
    claims
}

/// Tokens the HTTP API's JWT authorizer refuses, each with a name for the failure message.
fn bad_tokens() -> Vec<(&'static str, String)> {
    let now = auth::unix_now() as i64;
    vec![
        ("expired", auth::mint_claims(SECRET, &claims("alice", "buyer", now - 3600, &[]))),
        (
            "not yet valid",
            auth::mint_claims(SECRET, &claims("alice", "buyer", now + 3600, &[("nbf", json!(now + 86_400))])),
        ),
        (
            "issued in the future",
            auth::mint_claims(SECRET, &claims("alice", "buyer", now + 3600, &[("iat", json!(now + 86_400))])),
        ),
        ("another key", auth::mint("another-secret", "alice", "buyer", None, 1)),
        (
            "no subject",
            auth::mint_claims(SECRET, &{
                let mut claims = claims("alice", "buyer", now + 3600, &[]);
                claims.remove("sub");
                claims
            }),
        ),
        ("unsigned", {
            let token = auth::mint(SECRET, "alice", "admin", None, 1);
            let mut parts = token.split('.');
            let (_, payload) = (parts.next(), parts.next().unwrap_or_default());
            format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.")
        }),
        ("garbage", "not.a.token".to_string()),
    ]
}

/// One answer, raw: status and envelope (or the text a payment provider gets).
async fn send(api: &TestApi, method: &str, path: &str, authorization: Option<&str>, body: &str) -> (StatusCode, Value) {
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = api.http.request(method, format!("{}{path}", api.base));
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    if !body.is_empty() {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.expect("the dev server answers");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The fixtures the matrix addresses: buyer alice's order and address at shop-a, and the ids that
/// fill every path parameter.
struct World {
    order_no: String,
    address_id: String,
    endpoint_id: String,
    delivery_id: String,
}

async fn world(api: &TestApi) -> World {
    api.put_sku("shop-a", "tea", "10.00", 100).await;
    let alice = api.buyer("alice");
    let created = api.create(&alice, &[("tea", 1)]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let order_no = created.data()["orders"][0]["order_no"].as_str().unwrap().to_string();
    let address = api.call(Method::POST, "/api/v1/addresses", Some(&alice), Some(address())).await;
    assert_eq!(address.status, StatusCode::CREATED, "{}", address.body);
    let address_id = address.data()["address_id"].as_str().unwrap().to_string();
    let seller = api.seller("shop-a-user", "shop-a");
    let template = json!({"name": "Standard", "from_province": "Zhejiang", "first_units": 1, "first_fee": "8.00",
                          "additional_units": 1, "additional_fee": "2.00"});
    let put = api.call(Method::PUT, "/api/v1/seller/freight-templates/std", Some(&seller), Some(template)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    let hook = json!({"url": format!("{}{}", api.base, orders_dev::webhook_inbox::PATH)});
    let endpoint = api.call(Method::POST, "/api/v1/seller/webhooks", Some(&seller), Some(hook)).await;
    assert_eq!(endpoint.status, StatusCode::CREATED, "{}", endpoint.body);
    let endpoint_id = endpoint.data()["endpoint_id"].as_str().unwrap().to_string();
    let tested =
        api.call(Method::POST, &format!("/api/v1/seller/webhooks/{endpoint_id}/test"), Some(&seller), None).await;
    assert_eq!(tested.status, StatusCode::OK, "{}", tested.body);
    let delivery_id = tested.data()["delivery_id"].as_str().unwrap().to_string();
    World { order_no, address_id, endpoint_id, delivery_id }
}

fn concrete(path: &str, world: &World) -> String {
    path.replace("{id}", &world.order_no)
        .replace("{address_id}", &world.address_id)
        .replace("{sku_id}", "tea")
        .replace("{template_id}", "std")
        .replace("{level}", "gold")
        .replace("{buyer_id}", "alice")
        .replace("{seller_id}", "shop-a")
        .replace("{endpoint_id}", &world.endpoint_id)
        .replace("{delivery_id}", &world.delivery_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_refuses_no_token_bad_tokens_and_wrong_roles() {
    let (api, _alipay) = TestApi::start_with_alipay(|_| {}).await;
    let world = world(&api).await;
    let routes = template::routes(&template::load(&template_path().unwrap()).unwrap());
    let openapi: Value = serde_json::from_str(&orders_shared::http::openapi::openapi_json().unwrap()).unwrap();
    let tokens = [
        (Role::Buyer, api.buyer("mallory")),
        (Role::Seller, api.seller("mallory-user", "shop-m")),
        (Role::Admin, api.admin("mallory-admin")),
    ];
    let bad = bad_tokens();
    let mut checked = 0;
    for route in &routes {
        let path = concrete(&route.path, &world);
        let body = if matches!(route.method.as_str(), "POST" | "PUT") { "{}" } else { "" };
        let what = format!("{} {}", route.method, route.path);
        if !route.needs_token {
            let (status, answer) = send(&api, &route.method, &path, None, body).await;
            assert!(status != StatusCode::UNAUTHORIZED && !status.is_server_error(), "{what}: {status} {answer}");
            checked += 1;
            continue;
        }
        let (status, answer) = send(&api, &route.method, &path, None, body).await;
        assert_eq!(
            (status, answer["code"].as_i64()),
            (StatusCode::UNAUTHORIZED, Some(10002)),
            "{what} without a token"
        );
        for (name, token) in &bad {
            let (status, answer) = send(&api, &route.method, &path, Some(&format!("Bearer {token}")), body).await;
            assert_eq!(
                (status, answer["code"].as_i64()),
                (StatusCode::UNAUTHORIZED, Some(10002)),
                "{what} with a token that is {name}: {answer}"
            );
        }
        let role = role_of(&route.path, &route.method, &openapi);
        for (token_role, token) in &tokens {
            let (status, answer) = send(&api, &route.method, &path, Some(&format!("Bearer {token}")), body).await;
            assert!(!status.is_server_error(), "{what} as {token_role:?}: {status} {answer}");
            let allowed = role == Role::Anyone || role == *token_role;
            if !allowed {
                assert_eq!(
                    (status, answer["code"].as_i64()),
                    (StatusCode::FORBIDDEN, Some(10003)),
                    "{what} is {role:?}'s; as {token_role:?}: {answer}"
                );
            } else {
                assert_ne!(status, StatusCode::FORBIDDEN, "{what} as its own role {token_role:?}: {answer}");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, routes.len());
    assert!(checked >= 50, "template.yaml has every route: {checked}");
}

/// How a route that names an object is probed with another party's object.
#[derive(Debug, Clone, Copy)]
enum Probe {
    /// Buyer bob asks for alice's order or address.
    OtherBuyer,
    /// Shop B's seller asks for shop A's order, SKU or template.
    OtherShop,
    /// Nothing of another party is in its path: the caller's own data only (lists, counts,
    /// the caller's cart and settings), admin routes (the admin sees everything), public routes
    /// and the providers' notifications (signed, no party).
    NoOtherParty(&'static str),
    /// Creates or replaces under the caller's own key (a SKU id is public in the catalog: another
    /// shop's is 403, not hidden).
    Upsert,
}

fn probe_of(method: &str, path: &str) -> Probe {
    match (method, path) {
        ("PUT", "/api/v1/seller/skus/{sku_id}") => Probe::Upsert,
        ("PUT", "/api/v1/seller/freight-templates/{template_id}") => Probe::Upsert,
        ("PUT", "/api/v1/cart/items/{sku_id}") | ("DELETE", "/api/v1/cart/items/{sku_id}") => {
            Probe::NoOtherParty("the caller's own cart")
        }
        (_, path) if path.starts_with("/api/v1/seller/") && path.contains('{') => Probe::OtherShop,
        (_, path) if path.starts_with("/api/v1/orders/{id}") || path.starts_with("/api/v1/addresses/{") => {
            Probe::OtherBuyer
        }
        (_, path) if path.starts_with("/api/v1/admin/") => Probe::NoOtherParty("the admin acts on every buyer"),
        (_, path) if path.starts_with("/api/v1/payments/") => Probe::NoOtherParty("signed by the provider"),
        (_, path) if !path.contains('{') => Probe::NoOtherParty("the caller's own data, or public"),
        ("GET", "/api/v1/skus/{sku_id}") | ("GET", "/api/v1/merchants/{seller_id}/return-address") => {
            Probe::NoOtherParty("public")
        }
        (method, path) => panic!("{method} {path}: say how another party's object is refused here"),
    }
}

/// A body the route accepts, so that the object lookup is what answers.
fn valid_body(method: &str, path: &str) -> String {
    let ship = json!({"carrier_code": "SF", "carrier_name": "SF Express", "tracking_no": "SF100"});
    let body = match (method, path.rsplit('/').next().unwrap_or_default()) {
        ("POST", "payments") => json!({"channel": "alipay"}),
        ("POST", "refund") => json!({"type": "refund_only", "reason": "probe"}),
        ("POST", "return-shipment") | ("POST", "ship") => ship,
        ("POST", "tracking-events") => json!({"description": "probe"}),
        ("POST", "reject") => json!({"reason": "probe"}),
        ("POST", "stock-adjustments") => json!({"delta": 1, "reason": "probe"}),
        ("PUT", "{address_id}") => address(),
        ("PUT", "{endpoint_id}") => json!({"url": "http://127.0.0.1:9/hook"}),
        ("POST", _) | ("PUT", _) => json!({}),
        _ => return String::new(),
    };
    body.to_string()
}

/// The message with the ids it names blanked, to compare "someone else's" with "nothing".
fn without_ids(answer: &Value, ids: &[&str]) -> (Option<i64>, String) {
    let mut msg = answer["msg"].as_str().unwrap_or_default().to_string();
    for id in ids {
        msg = msg.replace(id, "<id>");
    }
    (answer["code"].as_i64(), msg)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_partys_object_answers_exactly_as_nothing_on_every_route() {
    let (api, _alipay) = TestApi::start_with_alipay(|_| {}).await;
    let world = world(&api).await;
    let bob = format!("Bearer {}", api.buyer("bob"));
    let other_shop = format!("Bearer {}", api.seller("b-user", "shop-b"));
    let missing_order = "202601010000000001";
    let missing = World {
        order_no: missing_order.into(),
        address_id: "nothing-here".into(),
        endpoint_id: "we_nothing_here".into(),
        delivery_id: "0000000000001.evt_nothing_1".into(),
    };
    let routes = template::routes(&template::load(&template_path().unwrap()).unwrap());
    let mut probed = BTreeSet::new();
    for route in &routes {
        let what = format!("{} {}", route.method, route.path);
        let token = match probe_of(&route.method, &route.path) {
            Probe::OtherBuyer => &bob,
            Probe::OtherShop => &other_shop,
            Probe::NoOtherParty(reason) => {
                assert!(!reason.is_empty(), "{what}: say why no other party is named");
                continue;
            }
            Probe::Upsert => continue,
        };
        let body = valid_body(&route.method, &route.path);
        let body = body.as_str();
        let theirs = concrete(&route.path, &world);
        let (status, answer) = send(&api, &route.method, &theirs, Some(token), body).await;
        let nothing = concrete(&route.path, &missing)
            .replace("/skus/tea", "/skus/no-such-sku")
            .replace("/freight-templates/std", "/freight-templates/no-such-template");
        let (none_status, none_answer) = send(&api, &route.method, &nothing, Some(token), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{what}, another party's: {answer}");
        assert_eq!(none_status, StatusCode::NOT_FOUND, "{what}, nothing: {none_answer}");
        let ids = [
            world.order_no.as_str(),
            world.address_id.as_str(),
            missing_order,
            "nothing-here",
            "tea",
            "no-such-sku",
            "std",
            "no-such-template",
            world.endpoint_id.as_str(),
            world.delivery_id.as_str(),
            "we_nothing_here",
            "0000000000001.evt_nothing_1",
        ];
        assert_eq!(without_ids(&answer, &ids), without_ids(&none_answer, &ids), "{what}: the same answer");
        probed.insert(what);
    }
    assert!(probed.len() >= 25, "the routes that name an object are probed: {probed:?}");
}

#[tokio::test]
async fn an_answer_is_refused_for_what_the_matrix_checks_first() {
    // The matrix relies on the role check coming before the body is read: a wrong role with a bad
    // body is still 403, and no token with a bad body still 401.
    let api = TestApi::start().await;
    let seller = api.seller("u", "shop-a");
    let wrong_role: Answer =
        api.call_with(Method::POST, "/api/v1/orders", Some(&seller), Some("{not json".into()), &[]).await;
    assert_eq!((wrong_role.status, wrong_role.code()), (StatusCode::FORBIDDEN, 10003), "{}", wrong_role.body);
    let no_token: Answer = api.call_with(Method::POST, "/api/v1/orders", None, Some("{not json".into()), &[]).await;
    assert_eq!((no_token.status, no_token.code()), (StatusCode::UNAUTHORIZED, 10002));
}
